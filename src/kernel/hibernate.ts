// kernel/power/: every hibernation interface asks hibernation_available(),
// which calls security_locked_down(LOCKDOWN_HIBERNATION) each time (so reads
// of /sys/power/state and /sys/power/disk log too).
import type { Kernel } from "./kernel.js";
import { type Inode, neg } from "./vfs.js";

/** kernel/power/hibernate.c hibernation_available(). */
export function hibernationAvailable(k: Kernel): boolean {
  if (!k.config.HIBERNATION || k.nohibernate) return false;
  return !k.lockedDown("LOCKDOWN_HIBERNATION");
}

/** kernel/power/main.c pm_tests[] */
const PM_TESTS = ["none", "core", "processors", "platform", "devices", "freezer"];

export interface PowerState {
  pmTest: string;
}

/** hibernation_modes[] shown by disk_show(), platform ops present (ACPI S4). */
const HIBERNATION_MODES = ["platform", "shutdown", "reboot", "suspend", "test_resume"];

/** kernel/power/hibernate.c hibernate() with pm_test set to "freezer". */
function hibernate(k: Kernel): number {
  if (!hibernationAvailable(k)) return neg("EPERM");
  k.printk("PM: hibernation: hibernation entry");
  k.printk("Filesystems sync: 0.000 seconds");
  k.printk("Freezing user space processes");
  if (k.power.pmTest === "freezer") {
    k.printk("Freezing user space processes completed (elapsed 0.001 seconds)");
    k.printk("OOM killer disabled.");
    k.printk("PM: hibernation: debug: Waiting for 5 seconds.");
    k.printk("OOM killer enabled.");
    k.printk("Restarting tasks ... done.");
    k.printk("PM: hibernation: hibernation exit");
    return 0;
  }
  k.printk("PM: hibernation: hibernation exit");
  return neg("ENOSPC");
}

function text(s: string): Uint8Array {
  return Buffer.from(s, "latin1");
}

export function installHibernation(k: Kernel): void {
  const state: Inode = {
    mode: 0o644,
    // state_show(): s2idle and S3 on this machine, then "disk" if available.
    read: (kk) => {
      let s = "freeze mem ";
      if (hibernationAvailable(kk)) s += "disk ";
      return text(`${s.slice(0, -1)}\n`);
    },
    write: (kk, _f, d) => {
      const v = Buffer.from(d).toString("latin1").replace(/\n$/, "");
      if (v === "disk") {
        const r = hibernate(kk);
        return r < 0 ? r : d.length;
      }
      if (v === "freeze" || v === "mem") return d.length;
      return neg("EINVAL");
    },
  };
  const disk: Inode = {
    mode: 0o644,
    read: (kk) => {
      if (!hibernationAvailable(kk)) return text("[disabled]\n");
      const modes = kk.machine.platformHibernation ? HIBERNATION_MODES : HIBERNATION_MODES.slice(1);
      const list = modes.map((m, i) => (i === 0 ? `[${m}] ` : `${m} `)).join("");
      // disk_show(): 6.1 appends "\n" after the last space; 6.12 turns that space into it.
      return text(kk.version === "6.1" ? `${list}\n` : `${list.slice(0, -1)}\n`);
    },
    write: (kk, _f, d) => {
      if (!hibernationAvailable(kk)) return neg("EPERM");
      const v = Buffer.from(d).toString("latin1").replace(/\n$/, "");
      return HIBERNATION_MODES.includes(v) ? d.length : neg("EINVAL");
    },
  };
  const pmTest: Inode = {
    mode: 0o644,
    read: (kk) => text(`${PM_TESTS.map((t) => (t === kk.power.pmTest ? `[${t}]` : t)).join(" ")}\n`),
    write: (kk, _f, d) => {
      const v = Buffer.from(d).toString("latin1").replace(/\n$/, "");
      if (!PM_TESTS.includes(v)) return neg("EINVAL");
      kk.power.pmTest = v;
      return d.length;
    },
  };
  // resume_store(): 6.1 records the device, then software_resume() bails out
  // through hibernation_available(); 6.12 asks hibernation_available() first
  // and ignores the write (returns the count) when it is refused.
  const resume: Inode = {
    mode: 0o644,
    read: (kk) => text(`${kk.power.resume}\n`),
    write: (kk, _f, d) => {
      if (kk.version !== "6.1" && !hibernationAvailable(kk)) return d.length;
      const name = Buffer.from(d).toString("latin1").replace(/\n$/, "");
      const m = /^(\d+):(\d+)$/.exec(name);
      if (!m || (m[1] === "0" && m[2] === "0")) return neg("EINVAL");
      kk.power.resume = `${m[1]}:${m[2]}`;
      if (kk.version === "6.1") hibernationAvailable(kk);
      return d.length;
    },
  };
  k.vfs.add("/sys/power/resume", resume);
  k.vfs.add("/sys/power/state", state);
  k.vfs.add("/sys/power/disk", disk);
  k.vfs.add("/sys/power/pm_test", pmTest);
  // kernel/power/user.c snapshot_open()
  k.vfs.add("/dev/snapshot", {
    mode: 0o600,
    open: (kk) => (hibernationAvailable(kk) ? 0 : neg("EPERM")),
    read: () => new Uint8Array(0),
    write: (_k, _f, d) => d.length,
  });
}

/**
 * Boot-time resume: 6.1 software_resume() / 6.12 software_resume_initcall()
 * (late initcalls) bail out through hibernation_available() first.
 */
export function softwareResume(k: Kernel): void {
  if (k.noresume) return;
  if (!hibernationAvailable(k)) return;
}
