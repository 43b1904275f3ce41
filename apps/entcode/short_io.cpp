// short_io.cpp — test-only LD_PRELOAD shim for apps/entcode/test_cli.sh: every read(2) and
// write(2) the program makes moves at most 1..13 bytes, and about
// one call in 8 fails with EINTR first, as pipes, terminals and signals may do. A program
// that assumes whole transfers loses or repeats bytes under it. Invariant: the shim never
// changes the bytes, only how many move per call. POSIX allows both behaviours (read(2),
// write(2)); the CLI's Input::read / Output::write loops must absorb them.
#include <dlfcn.h>

#include <cerrno>
#include <cstddef>

#include <unistd.h>

namespace {

unsigned next_random() {
  thread_local unsigned x = 0x9e3779b9u;  // fixed seed: failures reproduce
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

// How many of `n` > 0 bytes this call may move; 0 means "fail with EINTR".
std::size_t allowance(std::size_t n) {
  const unsigned r = next_random();
  if ((r & 7u) == 0) return 0;
  const std::size_t cap = 1 + (r >> 3) % 13;
  return n < cap ? n : cap;
}

// One call of `real` (libc's read or write) that moves at most allowance(n) bytes.
template <class Buffer>
ssize_t shortened(ssize_t (*real)(int, Buffer, std::size_t), int fd, Buffer buf, std::size_t n) {
  if (n == 0) return real(fd, buf, n);
  const std::size_t k = allowance(n);
  if (k == 0) {
    errno = EINTR;
    return -1;
  }
  return real(fd, buf, k);
}

}  // namespace

extern "C" ssize_t read(int fd, void* buf, std::size_t n) {
  using Read = ssize_t (*)(int, void*, std::size_t);
  static const auto real_read = reinterpret_cast<Read>(dlsym(RTLD_NEXT, "read"));
  return shortened(real_read, fd, buf, n);
}

extern "C" ssize_t write(int fd, const void* buf, std::size_t n) {
  using Write = ssize_t (*)(int, const void*, std::size_t);
  static const auto real_write = reinterpret_cast<Write>(dlsym(RTLD_NEXT, "write"));
  return shortened(real_write, fd, buf, n);
}
