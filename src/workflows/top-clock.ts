/**
 * The work order's clock for the times it sends TOP: never earlier than a time already sent. TOP orders a
 * work order's nodes (店小蜜 `gmt_time`), case operations (`occur_time`) and events (`ts`) by these times,
 * and workflow time can step back — between the server's hosts after a shard moves, or when a step's cause
 * (a report received earlier) is sent after a later one. Pure, so it is tested on its own.
 */
export class TopClock {
  constructor(private latest = 0) {}

  /** The time to send for something that happened at `at` (epoch ms). */
  stamp(at: number): number {
    this.latest = Math.max(this.latest, at);
    return this.latest;
  }

  /** The latest time sent, carried to the next run. */
  get last(): number {
    return this.latest;
  }
}
