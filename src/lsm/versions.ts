// The kernel series we model, each as Debian ships it.

export type KernelVersion = "6.1" | "6.12";

export interface KernelSeries {
  version: KernelVersion;
  /** The Debian source tree the facts were read from. */
  source: string;
  /** Debian's amd64 kernel release of that series used by the probe battery. */
  release: string;
}

export const KERNEL_SERIES: Readonly<Record<KernelVersion, KernelSeries>> = {
  "6.1": { version: "6.1", source: "linux-source-6.1 6.1.192-2", release: "6.1.0-56-amd64" },
  "6.12": {
    version: "6.12",
    source: "linux-source-6.12 6.12.117-1~deb12u1",
    release: "6.12.117+deb12-amd64",
  },
};

export const KERNEL_VERSIONS: readonly KernelVersion[] = ["6.1", "6.12"];

export function isKernelVersion(s: string): s is KernelVersion {
  return (KERNEL_VERSIONS as readonly string[]).includes(s);
}
