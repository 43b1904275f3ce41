// apps/entcode/files.cpp — input and output files of the entcode CLI (rules in files.hpp).
#include "files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace entcode::cli {

namespace fs = std::filesystem;

void fail(const std::string& what, const std::string& why) { throw Failure{what + ": " + why}; }
void fail_errno(const std::string& what) { fail(what, std::strerror(errno)); }

// --- signal cleanup --------------------------------------------------------------

namespace {

char g_temp[4096];                     // the temporary output being written, if any
volatile std::sig_atomic_t g_has_temp = 0;

void set_temp(const std::string& path) {
  g_has_temp = 0;
  if (path.size() >= sizeof g_temp) return;  // too long to remember: not removed on a signal
  std::memcpy(g_temp, path.c_str(), path.size() + 1);
  g_has_temp = 1;
}

extern "C" void on_signal(int sig) {
  if (g_has_temp) ::unlink(g_temp);  // async-signal-safe
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

mode_t default_mode() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

}  // namespace

void install_signal_cleanup() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, on_signal);
  std::signal(SIGXFSZ, SIG_IGN);
}

// --- input ---------------------------------------------------------------------------

Input::Input(const std::string& path, bool follow_links) : name_(path == "-" ? "<stdin>" : path) {
  if (path == "-") {
    if (::fstat(0, &st_) != 0) fail_errno(name_);
    return;
  }
  struct stat link {};
  if (::lstat(path.c_str(), &link) != 0) fail_errno(name_);
  if (S_ISLNK(link.st_mode) && !follow_links) fail(name_, "is a symbolic link (use -f to follow it)");
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) fail_errno(name_);
  if (::fstat(fd_, &st_) != 0) fail_errno(name_);
  if (S_ISDIR(st_.st_mode)) {
    ::close(fd_);
    fail(name_, "is a directory");
  }
}

Input::~Input() {
  if (fd_ > 0) ::close(fd_);
}

std::size_t Input::read(std::byte* dst, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd_, dst + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) fail_errno(name_);
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

std::optional<std::size_t> Input::size() const {
  if (!S_ISREG(st_.st_mode)) return std::nullopt;
  return static_cast<std::size_t>(st_.st_size);
}

// --- output ------------------------------------------------------------------------------

Output::Output() : name_("<stdout>") {}

Output::Output(const std::string& path, const Input& in, bool force) : name_(path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    const struct stat& src = in.stat();
    if (st.st_dev == src.st_dev && st.st_ino == src.st_ino) fail(name_, "is the input file itself");
    if (S_ISDIR(st.st_mode)) fail(name_, "is a directory");
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || (!S_ISREG(st.st_mode) && force)) {
      fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);  // written in place, never replaced
      if (fd_ < 0) fail_errno(name_);
      return;
    }
    if (!force) fail(name_, S_ISREG(st.st_mode) ? "already exists (use -f to overwrite)" : "is a special file (use -f)");
    replace_ = true;
    open_temporary(fs::canonical(path).string(), S_ISREG(src.st_mode) ? src.st_mode & 07777 : default_mode());
    return;
  }
  if (errno != ENOENT) fail_errno(name_);
  struct stat link {};
  if (::lstat(path.c_str(), &link) == 0) fail(name_, "is a dangling symbolic link");
  open_temporary(path, S_ISREG(in.stat().st_mode) ? in.stat().st_mode & 07777 : default_mode());
}

void Output::open_temporary(const std::string& target, mode_t mode) {
  const fs::path t(target);
  const fs::path dir = t.parent_path().empty() ? fs::path(".") : t.parent_path();
  target_ = target;
  std::string leaf = ".";  // ".name.entcode-tmp-PID"
  leaf += t.filename().string();
  leaf += ".entcode-tmp-" + std::to_string(::getpid());
  temp_ = (dir / leaf).string();
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd_ < 0) fail_errno(name_);
  set_temp(temp_);
  if (::fchmod(fd_, mode) != 0) fail_errno(name_);
}

Output::~Output() {
  if (temp_.empty()) {
    if (fd_ > 1) ::close(fd_);
    return;
  }
  g_has_temp = 0;
  if (fd_ >= 0) ::close(fd_);
  ::unlink(temp_.c_str());
}

void Output::write(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const ssize_t w = ::write(fd_, bytes.data(), bytes.size());
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) fail_errno(name_);
    bytes = bytes.subspan(static_cast<std::size_t>(w));
  }
}

void Output::commit() {
  if (temp_.empty()) return;
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail_errno(name_);
  // Without -f the target must still not exist (it may have appeared since the check).
  const unsigned flags = replace_ ? 0 : RENAME_NOREPLACE;
  if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), flags) != 0) {
    if (errno == EEXIST) fail(name_, "already exists (use -f to overwrite)");
    fail_errno(name_);
  }
  g_has_temp = 0;
  temp_.clear();
}

bool Output::is_terminal() const { return ::isatty(fd_) != 0; }

}  // namespace entcode::cli
