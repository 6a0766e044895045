/**
 * NormalizeDiacritics as Microsoft's table has it (functions-for-customizing-application-data,
 * NormalizeDiacritics): letters with marks become their base letter (NFKD, marks dropped), and the
 * letters that do not decompose are mapped by the table — æ → ae, ø → oe, ß → ss, ł → l, ı → i.
 */
const TABLE: Record<string, string> = {
  æ: 'ae', Æ: 'AE', ǣ: 'ae', Ǣ: 'AE', ø: 'oe', Ø: 'OE', œ: 'oe', Œ: 'OE', ß: 'ss', ł: 'l', Ł: 'L', ı: 'i', đ: 'd', Đ: 'D',
};

export function normalizeDiacritics(value: string): string {
  return [...value]
    .map((ch) => TABLE[ch] ?? ch)
    .join('')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC');
}

/** PCase: the first letter of each word upper case, the rest lower; words split at the separators given, else at anything not a letter or digit. */
export function properCase(value: string, separators?: string): string {
  const isSeparator = separators === undefined ? (ch: string) => !/[\p{L}\p{N}]/u.test(ch) : (ch: string) => separators.includes(ch);
  let out = '';
  let startOfWord = true;
  for (const ch of value) {
    if (isSeparator(ch)) {
      out += ch;
      startOfWord = true;
    } else {
      out += startOfWord ? ch.toUpperCase() : ch.toLowerCase();
      startOfWord = false;
    }
  }
  return out;
}

/** Word: the n-th (1-based) run of characters between any of the delimiters; '' when there is none. */
export function word(value: string, n: number, delimiters: string): string {
  if (n < 1) return '';
  const words: string[] = [];
  let current = '';
  for (const ch of value) {
    if (delimiters.includes(ch)) {
      if (current) words.push(current);
      current = '';
    } else current += ch;
  }
  if (current) words.push(current);
  return words[n - 1] ?? '';
}

/** Replaces every occurrence of a literal string (case-sensitive), without a regex. */
export function replaceLiteral(value: string, oldValue: string, replacement: string): string {
  return oldValue === '' ? value : value.split(oldValue).join(replacement);
}
