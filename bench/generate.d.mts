/** Writes the synthetic benchmark repository under `root` and returns its counts. */
export function generate(root: string): { files: number; stacks: number; instances: number };
