/** How much of the original a reply quotes, as the server cuts it (ReplyRef.text). */
export const QUOTE_MAX = 100;

/** A message's first non-empty line, cut to `max` characters: what a reply strip and a quote show. */
export const firstLine = (text: string, max = QUOTE_MAX): string => {
  const line = text.split('\n').find((l) => l.trim().length > 0)?.trim() ?? '';
  const chars = [...line];
  return chars.length > max ? chars.slice(0, max).join('') : line;
};

/** A file size in the reader's language: "512 B", "1.2 MB" / "1,2 МБ". */
export const humanSize = (bytes: number, lang: string): string => {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: units[unit],
    // English "short" spells bytes out ("512 byte"); "narrow" gives "512B".
    unitDisplay: unit === 0 ? 'narrow' : 'short',
    maximumFractionDigits: unit === 0 || value >= 10 ? 0 : 1,
  }).format(value);
};
