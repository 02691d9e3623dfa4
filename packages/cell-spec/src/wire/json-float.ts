/**
 * A JSON number written with a fraction or an exponent. Kept apart from integers
 * because `1.0` must be refused where serde expects a `u64`, and `JSON.parse` would
 * turn it into `1`.
 */
export class JsonFloat {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): number {
    return Number(this.text);
  }
}
