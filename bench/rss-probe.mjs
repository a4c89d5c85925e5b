// Preloaded with --import: prints the process's peak RSS (KiB) and CPU time (µs) to stderr as it exits.
process.on("exit", () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nmaxrss_kib=${u.maxRSS} cpu_us=${u.userCPUTime + u.systemCPUTime}\n`);
});
