// The one time format of every screen: m:ss, with a minus sign once time is over.

/** 75 -> "1:15"; -30 -> "−0:30" (a phase that runs over keeps counting). */
export function clock(seconds) {
  const sign = seconds < 0 ? "−" : "";
  const left = Math.abs(Math.ceil(seconds));
  return `${sign}${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
}
