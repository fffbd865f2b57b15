/**
 * Ctrl-C during training: the first SIGINT asks the loop to stop after the current batch (it then
 * saves and exits 130); a second one stops at once with the default action, which is safe
 * because every file is replaced atomically.
 */
export interface Interrupt {
  readonly requested: boolean;
  /** Removes the handler (the run is over). */
  dispose(): void;
}

export function watchInterrupt(onFirst: () => void): Interrupt {
  let requested = false;
  const handler = () => {
    if (requested) {
      process.removeListener('SIGINT', handler);
      process.kill(process.pid, 'SIGINT');
      return;
    }
    requested = true;
    onFirst();
  };
  process.on('SIGINT', handler);
  return {
    get requested() {
      return requested;
    },
    dispose: () => process.removeListener('SIGINT', handler),
  };
}
