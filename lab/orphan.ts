// A plugin host (language or provider) whose Pulumi CLI is gone, killed with `npm run up`, is
// orphaned: nothing can record what it does any more, and the next `up` would act on the lab at the
// same time. It goes too (its cluster clients end with their stdin); the next `up` resumes from where
// the nodes are.
export function exitWithParent(): void {
  const cli = process.ppid;
  setInterval(() => {
    if (process.ppid !== cli) process.exit(1);
  }, 500).unref();
}
