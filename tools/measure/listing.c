#include <dirent.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>
int main(void) {
  mkdir("/proc", 0755); mkdir("/sys", 0755); mkdir("/dev", 0755);
  mount("proc", "/proc", "proc", 0, 0);
  mount("sysfs", "/sys", "sysfs", 0, 0);
  mount("devtmpfs", "/dev", "devtmpfs", 0, 0);
  mount("debugfs", "/sys/kernel/debug", "debugfs", 0, 0);
  DIR *d = opendir("/sys/kernel/debug");
  struct dirent *e; int n = 0;
  while ((e = readdir(d))) {
    char p[512]; struct stat st; snprintf(p, sizeof p, "/sys/kernel/debug/%s", e->d_name);
    lstat(p, &st);
    printf("DBG %s %o\n", e->d_name, st.st_mode); n++;
  }
  printf("DBGCOUNT %d\n", n);
  FILE *f = fopen("/sys/kernel/security/lsm", "r");
  mount("securityfs", "/sys/kernel/security", "securityfs", 0, 0);
  f = fopen("/sys/kernel/security/lsm", "r");
  if (f) { char b[256] = {0}; fread(b, 1, 255, f); printf("LSM %s\n", b); }
  fflush(stdout);
  reboot(RB_POWER_OFF);
  return 0;
}
