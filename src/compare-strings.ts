// The one string order of evidence, exports and reports: by UTF-16 code units, as `<` compares, the
// same on every machine and in every locale (localeCompare is not), so an unchanged estate sorts into
// byte-identical documents and hashes.
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
