/**
 * The derived tables of the readings — hourly rollups (sensor_readings_hourly) and the latest value per sensor
 * (sensor_latest) — merged in memory between two flushes instead of updated by every batch: a flush every
 * IOT_ROLLUP_FLUSH_MS (5 s by default) writes each sensor's rollup and latest value at most once, however often it
 * reads. At 20,000 readings/s over 20,000 sensors (one reading a sensor a second) that is one upsert per sensor
 * every 5 s instead of two per reading, the larger part of the database's work per reading; at the simulator's
 * pace (a reading a minute) nothing changes. Pure: reading-ingest.ts adds the readings a batch actually stored
 * (never a re-delivered duplicate) and writes what `take()` returns with iot.sql.ts flushRollups, in chunks of
 * `splitRollupFlush` so that batches (and their PUBACKs) are not held up behind one long statement.
 *
 * Hours are UTC hours (the same hours as Asia/Shanghai's, UTC+8). Loss bound: the raw readings are written (and
 * acknowledged) per batch; what sits here — at most IOT_ROLLUP_FLUSH_MS of readings, plus one flush in flight —
 * is lost from the rollups and the latest value if the process dies (kill -9, power) before the flush; the raw
 * readings stay complete. A flush that fails is merged back and written by the next one.
 */

const HOUR_MS = 3_600_000;

interface HourCell {
  code: string;
  hour: number;
  readings: number;
  min: number;
  max: number;
  sum: number;
}

interface LatestCell {
  observedAt: number;
  value: number;
  battery: number | null;
  signal: number | null;
  receivedAt: number;
}

/** Parameters of flushRollups, arrays of one length per table. */
export interface RollupFlush {
  hourCodes: string[];
  hours: Date[];
  readings: number[];
  mins: number[];
  maxs: number[];
  sums: number[];
  latestCodes: string[];
  observedAt: Date[];
  values: number[];
  battery: (number | null)[];
  signal: (number | null)[];
  receivedAt: Date[];
}

export class RollupBuffer {
  private hourly = new Map<string, HourCell>();
  private latest = new Map<string, LatestCell>();

  /** Rows waiting for the next flush (hourly cells + latest values). */
  get size(): number {
    return this.hourly.size + this.latest.size;
  }

  add(code: string, observedAt: number, value: number, battery: number | null, signal: number | null, receivedAt: number): void {
    this.addHour(code, Math.floor(observedAt / HOUR_MS) * HOUR_MS, 1, value, value, value);
    this.addLatest(code, { observedAt, value, battery, signal, receivedAt });
  }

  /** What to write now; the buffer is empty afterwards. */
  take(): RollupFlush | null {
    if (this.size === 0) return null;
    const flush: RollupFlush = {
      hourCodes: [],
      hours: [],
      readings: [],
      mins: [],
      maxs: [],
      sums: [],
      latestCodes: [],
      observedAt: [],
      values: [],
      battery: [],
      signal: [],
      receivedAt: [],
    };
    for (const cell of this.hourly.values()) {
      flush.hourCodes.push(cell.code);
      flush.hours.push(new Date(cell.hour));
      flush.readings.push(cell.readings);
      flush.mins.push(cell.min);
      flush.maxs.push(cell.max);
      flush.sums.push(cell.sum);
    }
    for (const [code, cell] of this.latest) {
      flush.latestCodes.push(code);
      flush.observedAt.push(new Date(cell.observedAt));
      flush.values.push(cell.value);
      flush.battery.push(cell.battery);
      flush.signal.push(cell.signal);
      flush.receivedAt.push(new Date(cell.receivedAt));
    }
    this.hourly = new Map();
    this.latest = new Map();
    return flush;
  }

  /** A flush that could not be written: merge it back (into what arrived meanwhile) for the next one. */
  restore(flush: RollupFlush): void {
    for (let i = 0; i < flush.hourCodes.length; i += 1) {
      this.addHour(flush.hourCodes[i], flush.hours[i].getTime(), flush.readings[i], flush.mins[i], flush.maxs[i], flush.sums[i]);
    }
    for (let i = 0; i < flush.latestCodes.length; i += 1) {
      this.addLatest(flush.latestCodes[i], {
        observedAt: flush.observedAt[i].getTime(),
        value: flush.values[i],
        battery: flush.battery[i],
        signal: flush.signal[i],
        receivedAt: flush.receivedAt[i].getTime(),
      });
    }
  }

  private addHour(code: string, hour: number, readings: number, min: number, max: number, sum: number): void {
    const key = `${code}|${hour}`;
    const cell = this.hourly.get(key);
    if (!cell) {
      this.hourly.set(key, { code, hour, readings, min, max, sum });
      return;
    }
    cell.readings += readings;
    if (min < cell.min) cell.min = min;
    if (max > cell.max) cell.max = max;
    cell.sum += sum;
  }

  /** The newest observed value wins; battery and signal keep the last known; the receive time only grows. */
  private addLatest(code: string, next: LatestCell): void {
    const cell = this.latest.get(code);
    if (!cell) {
      this.latest.set(code, { ...next });
      return;
    }
    if (next.observedAt >= cell.observedAt) {
      cell.observedAt = next.observedAt;
      cell.value = next.value;
      cell.battery = next.battery ?? cell.battery;
      cell.signal = next.signal ?? cell.signal;
    } else {
      cell.battery ??= next.battery;
      cell.signal ??= next.signal;
    }
    if (next.receivedAt > cell.receivedAt) cell.receivedAt = next.receivedAt;
  }
}

/** A flush in pieces of at most `size` rows per table, each one statement. */
export function splitRollupFlush(flush: RollupFlush, size: number): RollupFlush[] {
  const pieces: RollupFlush[] = [];
  const rows = Math.max(flush.hourCodes.length, flush.latestCodes.length);
  for (let from = 0; from < rows; from += size) {
    const to = from + size;
    pieces.push({
      hourCodes: flush.hourCodes.slice(from, to),
      hours: flush.hours.slice(from, to),
      readings: flush.readings.slice(from, to),
      mins: flush.mins.slice(from, to),
      maxs: flush.maxs.slice(from, to),
      sums: flush.sums.slice(from, to),
      latestCodes: flush.latestCodes.slice(from, to),
      observedAt: flush.observedAt.slice(from, to),
      values: flush.values.slice(from, to),
      battery: flush.battery.slice(from, to),
      signal: flush.signal.slice(from, to),
      receivedAt: flush.receivedAt.slice(from, to),
    });
  }
  return pieces;
}
