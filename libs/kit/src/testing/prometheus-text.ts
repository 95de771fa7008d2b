/** The value of an unlabelled (or singly reported) metric in Prometheus' text format; NaN when it is absent. */
export const metricValue = (text: string, name: string): number =>
  Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
