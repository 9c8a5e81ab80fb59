// A one-line progress indicator on stderr for long runs: only on a terminal,
// at most ten updates a second, erased when the run ends.
export interface Progress {
  update(text: string, final?: boolean): void;
  done(): void;
}

export function progress(enabled = Boolean(process.stderr.isTTY)): Progress {
  let last = 0;
  let shown = false;
  const clear = () => {
    if (shown) process.stderr.write("\r\x1b[K");
    shown = false;
  };
  return {
    update(text, final = false) {
      if (!enabled) return;
      const now = Date.now();
      if (final) return clear();
      if (now - last < 100) return;
      last = now;
      process.stderr.write(`\r\x1b[K${text}`);
      shown = true;
    },
    done: clear,
  };
}
