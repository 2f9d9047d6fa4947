// An injected failing file system for the I/O fault tests (io_faults_test.sh), loaded with
// LD_PRELOAD into an unmodified lakestream. It sits between the program and the C library: the
// calls that match a rule return -1 with the rule's errno, as a failing disk or an exhausted
// process would make the kernel do; everything else goes through untouched.
//
//   LS_IO_FAULT=OP:PATTERN:ERRNO[:SKIP[:COUNT]]
//     OP       write (write, pwrite, writev), sync (fsync, fdatasync, syncfs) or open (open,
//              openat, creat with O_CREAT: a file being created)
//     PATTERN  a substring of the file's path (for write/sync: the path the fd names, read from
//              /proc/self/fd; a temporary file's final name is not known here, so patterns
//              name folders or suffixes such as ".parquet" or "_delta_log/")
//     ERRNO    EIO, ENOSPC, EMFILE or EDQUOT
//     SKIP     matching calls let through before the first failure (default 0)
//     COUNT    failures before the calls succeed again (default: all of them)
//   LS_IO_FAULT_LOG=FILE  appends "OP PATH ERRNO" for every failure injected.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum op { OP_NONE, OP_WRITE, OP_SYNC, OP_OPEN };

static enum op rule_op = OP_NONE;
static char rule_pattern[512];
static int rule_errno = EIO;
static long rule_skip = 0;
static long rule_count = -1;
static long matched = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void parse_rule(void) {
  const char* spec = getenv("LS_IO_FAULT");
  if (spec == NULL || *spec == '\0') return;
  char buf[700];
  snprintf(buf, sizeof buf, "%s", spec);
  char* fields[5] = {0};
  int n = 0;
  char* save = NULL;
  for (char* tok = strtok_r(buf, ":", &save); tok != NULL && n < 5;
       tok = strtok_r(NULL, ":", &save)) {
    fields[n++] = tok;
  }
  if (n < 3) return;
  if (strcmp(fields[0], "write") == 0) rule_op = OP_WRITE;
  if (strcmp(fields[0], "sync") == 0) rule_op = OP_SYNC;
  if (strcmp(fields[0], "open") == 0) rule_op = OP_OPEN;
  snprintf(rule_pattern, sizeof rule_pattern, "%s", fields[1]);
  if (strcmp(fields[2], "ENOSPC") == 0) rule_errno = ENOSPC;
  if (strcmp(fields[2], "EMFILE") == 0) rule_errno = EMFILE;
  if (strcmp(fields[2], "EDQUOT") == 0) rule_errno = EDQUOT;
  if (n > 3) rule_skip = atol(fields[3]);
  if (n > 4) rule_count = atol(fields[4]);
}

/// Whether a call of kind `op` on `path` fails now (and logs it when it does).
static int should_fail(enum op op, const char* path) {
  pthread_once(&once, parse_rule);
  if (rule_op != op || path == NULL || strstr(path, rule_pattern) == NULL) return 0;
  pthread_mutex_lock(&lock);
  const long k = matched++;
  pthread_mutex_unlock(&lock);
  if (k < rule_skip || (rule_count >= 0 && k >= rule_skip + rule_count)) return 0;
  const char* log = getenv("LS_IO_FAULT_LOG");
  if (log != NULL) {
    FILE* f = fopen(log, "a");
    if (f != NULL) {
      fprintf(f, "%s %s %d\n", op == OP_WRITE ? "write" : op == OP_SYNC ? "sync" : "open", path,
              rule_errno);
      fclose(f);
    }
  }
  return 1;
}

static int fd_fails(enum op op, int fd) {
  pthread_once(&once, parse_rule);
  if (rule_op != op) return 0;
  char link[64];
  char path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return 0;
  path[n] = '\0';
  return should_fail(op, path);
}

#define REAL(name)                                   \
  static __typeof__(&name) real_##name = NULL;       \
  if (real_##name == NULL) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void* buf, size_t count) {
  REAL(write);
  if (fd > 2 && fd_fails(OP_WRITE, fd)) {
    errno = rule_errno;
    return -1;
  }
  return real_write(fd, buf, count);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t offset) {
  REAL(pwrite);
  if (fd_fails(OP_WRITE, fd)) {
    errno = rule_errno;
    return -1;
  }
  return real_pwrite(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off_t offset) {
  REAL(pwrite64);
  if (fd_fails(OP_WRITE, fd)) {
    errno = rule_errno;
    return -1;
  }
  return real_pwrite64(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
  REAL(writev);
  if (fd > 2 && fd_fails(OP_WRITE, fd)) {
    errno = rule_errno;
    return -1;
  }
  return real_writev(fd, iov, iovcnt);
}

int fsync(int fd) {
  REAL(fsync);
  if (fd_fails(OP_SYNC, fd)) {
    errno = rule_errno;
    return -1;
  }
  return real_fsync(fd);
}

int fdatasync(int fd) {
  REAL(fdatasync);
  if (fd_fails(OP_SYNC, fd)) {
    errno = rule_errno;
    return -1;
  }
  return real_fdatasync(fd);
}

int syncfs(int fd) {
  REAL(syncfs);
  if (fd_fails(OP_SYNC, fd)) {
    errno = rule_errno;
    return -1;
  }
  return real_syncfs(fd);
}

static int open_fails(const char* path, int flags) {
  return (flags & O_CREAT) != 0 && should_fail(OP_OPEN, path);
}

int open(const char* path, int flags, ...) {
  REAL(open);
  mode_t mode = 0;
  if (flags & (O_CREAT | O_TMPFILE)) {
    va_list ap;
    va_start(ap, flags);
    mode = (mode_t)va_arg(ap, int);
    va_end(ap);
  }
  if (open_fails(path, flags)) {
    errno = rule_errno;
    return -1;
  }
  return real_open(path, flags, mode);
}

int open64(const char* path, int flags, ...) {
  REAL(open64);
  mode_t mode = 0;
  if (flags & (O_CREAT | O_TMPFILE)) {
    va_list ap;
    va_start(ap, flags);
    mode = (mode_t)va_arg(ap, int);
    va_end(ap);
  }
  if (open_fails(path, flags)) {
    errno = rule_errno;
    return -1;
  }
  return real_open64(path, flags, mode);
}

int openat(int dirfd, const char* path, int flags, ...) {
  REAL(openat);
  mode_t mode = 0;
  if (flags & (O_CREAT | O_TMPFILE)) {
    va_list ap;
    va_start(ap, flags);
    mode = (mode_t)va_arg(ap, int);
    va_end(ap);
  }
  if (open_fails(path, flags)) {
    errno = rule_errno;
    return -1;
  }
  return real_openat(dirfd, path, flags, mode);
}
