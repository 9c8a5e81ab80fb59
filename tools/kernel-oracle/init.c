/*
 * /init of the kernel-oracle initramfs: runs every case of /cases/list.txt
 * against the real kernel and prints, on the console, the syscall result and
 * every kernel log record (/dev/kmsg) that appeared while the case ran.
 *
 *   list.txt lines:  pe <id> <file>            kexec_file_load(fd, -1, "", NO_INITRAMFS)
 *                    module <id> <file> <name> [flags]  finit_module(fd, "", flags)
 *                    ima <id> <xattr file> <content file> [cert,cert...|-]
 *
 * An ima line with certificates (run.ts --inputs) empties the "_ima" keyring
 * (KEYCTL_CLEAR) and adds just those before its case (@@IMAKEY <id>:<cert>
 * lines); without, the case sees the /imakeys/list.txt certificates.
 *
 * First, every module of /preload/list.txt (one path a line) is loaded with
 * finit_module: the initramfs has no modprobe, so this stands in for the
 * crypto API's request_module("crypto-<alg>") (sha512_generic for SHA-512).
 *
 * Pass 1 runs all cases as booted (no enforcement). Pass 2 sets
 * /sys/module/module/parameters/sig_enforce and runs the module cases again
 * (ids suffixed "@enforced"), so that the soft errors of module_sig_check()
 * (ENODATA, ENOPKG, ENOKEY) show up as "Loading of <reason> is rejected".
 *
 * Pass 3 (IMA): mounts a tmpfs on /ima, adds every certificate of
 * /imakeys/list.txt to a keyring "_ima" in the user keyring (Debian has no
 * CONFIG_INTEGRITY_TRUSTED_KEYRING: IMA finds "_ima" with request_key()),
 * writes /imakeys/policy to <securityfs>/ima/policy, then for each case writes
 * the content to a new file, chowns it to 4242 (the policy's fowner), sets
 * security.ima and opens it O_RDONLY (FILE_CHECK). Audit records reach the
 * console through kauditd's printk (printk_ratelimit set to 0 first).
 *
 * Output lines:  @@PRELOAD <file> ret=<n> errno=<n>
 *                @@IMAKEY <file> ret=<n> errno=<n>
 *                @@IMAPOLICY ret=<n> errno=<n>
 *                @@CASE <id> ret=<n> errno=<n> cleanup=<n>
 *                @@KMSG <id> <level>,<seq>;<text>
 *                @@DONE
 * Build: gcc -static -O2 -o init init.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#ifndef KEXEC_FILE_UNLOAD
#define KEXEC_FILE_UNLOAD 0x00000001
#endif
#ifndef KEXEC_FILE_NO_INITRAMFS
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

static int kmsg = -1;

static void out(const char *s) {
  size_t n = strlen(s);
  while (n) {
    ssize_t w = write(1, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

/* Reads every pending record; prints them tagged with id unless id is NULL. */
static void drain(const char *id) {
  static char rec[8192];
  static char line[8400];
  for (;;) {
    ssize_t n = read(kmsg, rec, sizeof rec - 1);
    if (n < 0) {
      if (errno == EPIPE) continue; /* records overwritten: go on */
      return;                       /* EAGAIN: nothing left */
    }
    rec[n] = 0;
    if (!id) continue;
    /* "<prefix>,<seq>,<usec>,<flags>;<text>\n[ continuation...]" */
    char *semi = strchr(rec, ';');
    if (!semi) continue;
    char *nl = strchr(semi, '\n');
    if (nl) *nl = 0;
    unsigned long prefix = strtoul(rec, NULL, 10);
    char *c1 = strchr(rec, ',');
    unsigned long seq = c1 ? strtoul(c1 + 1, NULL, 10) : 0;
    snprintf(line, sizeof line, "@@KMSG %s %lu,%lu;%s\n", id, prefix & 7, seq, semi + 1);
    out(line);
  }
}

static void report(const char *id, long ret, int err, long cleanup) {
  char buf[512];
  snprintf(buf, sizeof buf, "@@CASE %s ret=%ld errno=%d cleanup=%ld\n", id, ret, ret < 0 ? err : 0, cleanup);
  out(buf);
}

static void run_pe(const char *id, const char *file) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    report(id, -1000, errno, 0);
    return;
  }
  drain(NULL);
  long r = syscall(SYS_kexec_file_load, fd, -1, 1UL, "", (unsigned long)KEXEC_FILE_NO_INITRAMFS);
  int e = errno;
  long c = 0;
  if (r == 0) c = syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, (unsigned long)KEXEC_FILE_UNLOAD);
  close(fd);
  report(id, r, e, c);
  drain(id);
}

static void run_module(const char *id, const char *file, const char *name, int flags) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    report(id, -1000, errno, 0);
    return;
  }
  drain(NULL);
  long r = syscall(SYS_finit_module, fd, "", flags);
  int e = errno;
  long c = 0;
  if (r == 0) c = syscall(SYS_delete_module, name, O_NONBLOCK);
  close(fd);
  report(id, r, e, c);
  drain(id);
}

static void preload(void) {
  FILE *f = fopen("/preload/list.txt", "r");
  if (!f) return;
  char l[512], buf[700];
  while (fgets(l, sizeof l, f)) {
    l[strcspn(l, "\n")] = 0;
    if (!l[0]) continue;
    int fd = open(l, O_RDONLY | O_CLOEXEC);
    long r = fd < 0 ? -1 : syscall(SYS_finit_module, fd, "", 0);
    snprintf(buf, sizeof buf, "@@PRELOAD %s ret=%ld errno=%d\n", l, r, r < 0 ? errno : 0);
    out(buf);
    if (fd >= 0) close(fd);
  }
  fclose(f);
}

static void run_all(int enforced) {
  FILE *f = fopen("/cases/list.txt", "r");
  if (!f) {
    out("@@ERROR no /cases/list.txt\n");
    return;
  }
  char l[1024], kind[32], id[256], file[512], name[128], tag[300];
  while (fgets(l, sizeof l, f)) {
    name[0] = 0;
    int flags = 0;
    int n = sscanf(l, "%31s %255s %511s %127s %d", kind, id, file, name, &flags);
    if (n < 3) continue;
    if (!strcmp(kind, "pe") && !enforced) run_pe(id, file);
    if (!strcmp(kind, "module")) {
      snprintf(tag, sizeof tag, "%s%s", id, enforced ? "@enforced" : "");
      run_module(tag, file, name, flags);
    }
  }
  fclose(f);
}

static long read_file(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  long n = 0;
  for (;;) {
    ssize_t r = read(fd, buf + n, cap - (size_t)n);
    if (r <= 0) break;
    n += r;
    if ((size_t)n == cap) break;
  }
  close(fd);
  return n;
}

static void write_str(const char *path, const char *s) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (write(fd, s, strlen(s)) < 0) out("@@ERROR write\n");
    close(fd);
  }
}

static char big[1 << 20], big2[1 << 16];

#ifndef KEYCTL_CLEAR
#define KEYCTL_CLEAR 7
#endif

/* Empties ring and adds the comma-separated certificate files of list (tagged id:<file>). */
static void case_keys(long ring, const char *id, char *list) {
  char buf[1200];
  long c = syscall(SYS_keyctl, KEYCTL_CLEAR, ring);
  snprintf(buf, sizeof buf, "@@IMAKEY %s:clear ret=%ld errno=%d\n", id, c, c < 0 ? errno : 0);
  out(buf);
  for (char *save = NULL, *f = strtok_r(list, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
    if (!strcmp(f, "-")) continue; /* no certificate at all */
    long n = read_file(f, big, sizeof big);
    drain(NULL);
    long r = syscall(SYS_add_key, "asymmetric", NULL, big, (size_t)(n < 0 ? 0 : n), ring);
    snprintf(buf, sizeof buf, "@@IMAKEY %s:%s ret=%ld errno=%d\n", id, f, r < 0 ? -1 : r, r < 0 ? errno : 0);
    out(buf);
    drain(id);
  }
}

static void run_ima(void) {
  char l[1024], buf[1200];
  mkdir("/ima", 0755);
  if (mount("tmpfs", "/ima", "tmpfs", 0, "mode=0755")) out("@@ERROR cannot mount /ima\n");
  write_str("/proc/sys/kernel/printk_ratelimit", "0");
  long ring = syscall(SYS_add_key, "keyring", "_ima", NULL, 0, -4 /* KEY_SPEC_USER_KEYRING */);
  snprintf(buf, sizeof buf, "@@IMAKEY _ima ret=%ld errno=%d\n", ring, ring < 0 ? errno : 0);
  out(buf);
  FILE *f = fopen("/imakeys/list.txt", "r");
  while (f && fgets(l, sizeof l, f)) {
    l[strcspn(l, "\n")] = 0;
    if (!l[0]) continue;
    long n = read_file(l, big, sizeof big);
    drain(NULL);
    long r = syscall(SYS_add_key, "asymmetric", NULL, big, (size_t)(n < 0 ? 0 : n), ring);
    snprintf(buf, sizeof buf, "@@IMAKEY %s ret=%ld errno=%d\n", l, r < 0 ? -1 : r, r < 0 ? errno : 0);
    out(buf);
    drain("imakeys");
  }
  if (f) fclose(f);
  {
    long n = read_file("/imakeys/policy", big2, sizeof big2 - 1);
    int fd = open("/sys/kernel/security/ima/policy", O_WRONLY | O_CLOEXEC);
    long r = fd < 0 ? -1 : write(fd, big2, (size_t)(n < 0 ? 0 : n));
    int e = errno;
    if (fd >= 0) close(fd);
    snprintf(buf, sizeof buf, "@@IMAPOLICY ret=%ld errno=%d\n", r, r < 0 ? e : 0);
    out(buf);
    drain("imapolicy");
  }
  f = fopen("/cases/list.txt", "r");
  int i = 0;
  while (f && fgets(l, sizeof l, f)) {
    char kind[32], id[256], xfile[512], cfile[512], certs[2048], path[64];
    int fields = sscanf(l, "%31s %255s %511s %511s %2047s", kind, id, xfile, cfile, certs);
    if (fields < 4 || strcmp(kind, "ima")) continue;
    if (fields == 5) case_keys(ring, id, certs);
    long xn = read_file(xfile, big2, sizeof big2);
    long cn = read_file(cfile, big, sizeof big);
    snprintf(path, sizeof path, "/ima/%d", i++);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || xn < 0 || cn < 0 || (cn > 0 && write(fd, big, (size_t)cn) != cn)) {
      report(id, -1000, errno, 0);
      if (fd >= 0) close(fd);
      continue;
    }
    close(fd);
    long setup = chown(path, 4242, 4242);
    if (!setup) setup = setxattr(path, "security.ima", big2, (size_t)xn, 0);
    if (setup) {
      snprintf(buf, sizeof buf, "@@SETUP %s errno=%d\n", id, errno);
      out(buf);
    }
    struct timespec pause_ = {0, 300 * 1000 * 1000};
    nanosleep(&pause_, NULL);
    drain(NULL);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    int e = errno;
    if (fd >= 0) close(fd);
    nanosleep(&pause_, NULL); /* kauditd prints asynchronously */
    report(id, fd < 0 ? -1 : 0, e, 0);
    drain(id);
  }
  if (f) fclose(f);
}

int main(void) {
  mount("proc", "/proc", "proc", 0, NULL);
  mount("sysfs", "/sys", "sysfs", 0, NULL);
  mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
  int con = open("/dev/console", O_RDWR);
  if (con >= 0) {
    dup2(con, 1);
    dup2(con, 2);
  }
  kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
  if (kmsg < 0) out("@@ERROR cannot open /dev/kmsg\n");
  {
    char u[256] = "";
    int fd = open("/proc/sys/kernel/osrelease", O_RDONLY);
    if (fd >= 0) {
      ssize_t n = read(fd, u, sizeof u - 1);
      if (n > 0) u[n] = 0;
      close(fd);
    }
    out("@@KERNEL ");
    out(u);
  }
  {
    char lk[256] = "";
    int fd = open("/sys/kernel/security/lockdown", O_RDONLY);
    if (fd < 0) {
      mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
      fd = open("/sys/kernel/security/lockdown", O_RDONLY);
    }
    if (fd >= 0) {
      ssize_t n = read(fd, lk, sizeof lk - 1);
      if (n > 0) lk[n] = 0;
      close(fd);
    }
    out("@@LOCKDOWN ");
    out(lk);
  }
  preload();
  drain("boot");
  run_all(0);
  int fd = open("/sys/module/module/parameters/sig_enforce", O_WRONLY);
  if (fd < 0 || write(fd, "1", 1) != 1) out("@@ERROR cannot set sig_enforce\n");
  if (fd >= 0) close(fd);
  run_all(1);
  run_ima();
  out("@@DONE\n");
  sync();
  reboot(RB_POWER_OFF);
  for (;;) pause();
}
