// apps/entcode/files.hpp — the entcode CLI's input and output files, with zstd's rules (doc/cli.md).
//
// Input: a path or "-" (stdin). A symbolic link is followed only with -f; a
// directory is refused.
// Output: stdout, or a path:
//  - refused when it is the input itself (same device and inode) or a directory;
//  - an existing regular file is replaced only with -f (a symlink to one is
//    followed: its target is replaced, the link stays);
//  - a FIFO or character device (/dev/null) is written directly, never replaced
//    or removed; other special files need -f;
//  - a regular file is written to a temporary next to it (mode of the input)
//    and renamed into place on commit(); on error, or on SIGINT/SIGTERM/SIGHUP
//    (install_signal_cleanup()), the temporary is removed.
// Every failure throws Failure with "name: reason" (errno text where there is one).
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace entcode::cli {

// A failure already worded for the user ("what: why"); the file is skipped, exit status 1.
struct Failure {
  std::string message;
};
[[noreturn]] void fail(const std::string& what, const std::string& why);
[[noreturn]] void fail_errno(const std::string& what);  // why = strerror(errno)

// Removes the current temporary output on SIGINT/SIGTERM/SIGHUP, then dies by the signal;
// ignores SIGXFSZ so that a file size limit is a write error (EFBIG), not a kill.
void install_signal_cleanup();

class Input {
 public:
  Input(const std::string& path, bool follow_links);
  ~Input();
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  // Reads up to n bytes; fewer only at the end of the input.
  std::size_t read(std::byte* dst, std::size_t n);
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const struct stat& stat() const { return st_; }
  [[nodiscard]] bool is_stdin() const { return fd_ == 0; }
  [[nodiscard]] std::optional<std::size_t> size() const;  // regular files only

 private:
  std::string name_;
  int fd_ = 0;
  struct stat st_ {};
};

class Output {
 public:
  Output();  // stdout
  Output(const std::string& path, const Input& in, bool force);
  ~Output();  // not committed: removes the temporary
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void write(std::span<const std::byte> bytes);
  void commit();  // fails if anything could not be written
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] bool is_terminal() const;

 private:
  void open_temporary(const std::string& target, mode_t mode);
  std::string name_;
  std::string target_;  // where commit() renames the temporary ("" when written directly)
  std::string temp_;
  bool replace_ = false;  // the target may exist (-f)
  int fd_ = 1;
};

}  // namespace entcode::cli
