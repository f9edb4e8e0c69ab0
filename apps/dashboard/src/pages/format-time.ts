// How a moment reads on every page: its date and time of day, in the person's own locale.

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatTime(date: Date): string {
  return timeFormat.format(date);
}
