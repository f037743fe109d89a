/** One command's result: the JSON object printed with `--json`, else the text for people. */
export interface Printed {
  readonly json: unknown;
  readonly text: string;
  /**
   * Non-zero for a result that is a finding, not a failure (a ledger that disagrees): printed
   * like any result, in the command's own format, and then the process exits with it.
   */
  readonly exitCode?: number;
}

export function print(printed: Printed, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(printed.json)}\n` : `${printed.text}\n`);
}
