/** Writes the synthetic benchmark repository under `root` and returns its counts. */
export function generate(
  root: string,
  shape?: { families?: number; chain?: number; standalone?: number; scale?: number },
): { files: number; stacks: number; instances: number };
