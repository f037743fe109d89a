/** One command's result: the JSON object printed with `--json`, else the text for people. */
export interface Printed {
  readonly json: unknown;
  readonly text: string;
}

export function print(printed: Printed, json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(printed.json)}\n` : `${printed.text}\n`);
}
