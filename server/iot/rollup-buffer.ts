/**
 * The derived tables of the readings — hourly rollups (sensor_readings_hourly), five-minute rollups
 * (sensor_readings_5min: the sensor detail's 24 h chart, migration 0053) and the latest value per sensor
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
const BIN_MS = 300_000;

interface Cell {
  code: string;
  start: number;
  readings: number;
  min: number;
  max: number;
  sum: number;
}

/** Rollup cells (sensor, period start) merged in memory. */
class Cells {
  private cells = new Map<string, Cell>();

  get size(): number {
    return this.cells.size;
  }

  add(code: string, start: number, readings: number, min: number, max: number, sum: number): void {
    const key = `${code}|${start}`;
    const cell = this.cells.get(key);
    if (!cell) {
      this.cells.set(key, { code, start, readings, min, max, sum });
      return;
    }
    cell.readings += readings;
    if (min < cell.min) cell.min = min;
    if (max > cell.max) cell.max = max;
    cell.sum += sum;
  }

  /** Every cell, in parameter arrays; the set is empty afterwards. */
  take(): CellArrays {
    const out: CellArrays = { codes: [], starts: [], readings: [], mins: [], maxs: [], sums: [] };
    for (const cell of this.cells.values()) {
      out.codes.push(cell.code);
      out.starts.push(new Date(cell.start));
      out.readings.push(cell.readings);
      out.mins.push(cell.min);
      out.maxs.push(cell.max);
      out.sums.push(cell.sum);
    }
    this.cells = new Map();
    return out;
  }

  restore(a: CellArrays): void {
    for (let i = 0; i < a.codes.length; i += 1) this.add(a.codes[i], a.starts[i].getTime(), a.readings[i], a.mins[i], a.maxs[i], a.sums[i]);
  }
}

/** Rollup cells as statement parameters: arrays of one length. */
export interface CellArrays {
  codes: string[];
  starts: Date[];
  readings: number[];
  mins: number[];
  maxs: number[];
  sums: number[];
}

const sliceCells = (a: CellArrays, from: number, to: number): CellArrays => ({
  codes: a.codes.slice(from, to),
  starts: a.starts.slice(from, to),
  readings: a.readings.slice(from, to),
  mins: a.mins.slice(from, to),
  maxs: a.maxs.slice(from, to),
  sums: a.sums.slice(from, to),
});

interface LatestCell {
  observedAt: number;
  value: number;
  battery: number | null;
  signal: number | null;
  receivedAt: number;
}

/** Parameters of flushRollups: the hourly cells, the five-minute cells, the latest values (arrays of one length each). */
export interface RollupFlush {
  hourly: CellArrays;
  bins: CellArrays;
  latestCodes: string[];
  observedAt: Date[];
  values: number[];
  battery: (number | null)[];
  signal: (number | null)[];
  receivedAt: Date[];
}

/** A flush's parameters for iot.sql.ts flushRollups, in its order ($1..$6 hourly, $7..$12 latest, $13..$18 bins). */
export function rollupFlushParams(flush: RollupFlush): unknown[] {
  const { hourly, bins } = flush;
  return [
    ...[hourly.codes, hourly.starts, hourly.readings, hourly.mins, hourly.maxs, hourly.sums],
    ...[flush.latestCodes, flush.observedAt, flush.values, flush.battery, flush.signal, flush.receivedAt],
    ...[bins.codes, bins.starts, bins.readings, bins.mins, bins.maxs, bins.sums],
  ];
}

export class RollupBuffer {
  private hourly = new Cells();
  private bins = new Cells();
  private latest = new Map<string, LatestCell>();

  /** Rows waiting for the next flush (hourly and five-minute cells + latest values). */
  get size(): number {
    return this.hourly.size + this.bins.size + this.latest.size;
  }

  add(code: string, observedAt: number, value: number, battery: number | null, signal: number | null, receivedAt: number): void {
    this.hourly.add(code, Math.floor(observedAt / HOUR_MS) * HOUR_MS, 1, value, value, value);
    this.bins.add(code, Math.floor(observedAt / BIN_MS) * BIN_MS, 1, value, value, value);
    this.addLatest(code, { observedAt, value, battery, signal, receivedAt });
  }

  /** What to write now; the buffer is empty afterwards. */
  take(): RollupFlush | null {
    if (this.size === 0) return null;
    const flush: RollupFlush = {
      hourly: this.hourly.take(),
      bins: this.bins.take(),
      latestCodes: [],
      observedAt: [],
      values: [],
      battery: [],
      signal: [],
      receivedAt: [],
    };
    for (const [code, cell] of this.latest) {
      flush.latestCodes.push(code);
      flush.observedAt.push(new Date(cell.observedAt));
      flush.values.push(cell.value);
      flush.battery.push(cell.battery);
      flush.signal.push(cell.signal);
      flush.receivedAt.push(new Date(cell.receivedAt));
    }
    this.latest = new Map();
    return flush;
  }

  /** A flush that could not be written: merge it back (into what arrived meanwhile) for the next one. */
  restore(flush: RollupFlush): void {
    this.hourly.restore(flush.hourly);
    this.bins.restore(flush.bins);
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
  const rows = Math.max(flush.hourly.codes.length, flush.bins.codes.length, flush.latestCodes.length);
  for (let from = 0; from < rows; from += size) {
    const to = from + size;
    pieces.push({
      hourly: sliceCells(flush.hourly, from, to),
      bins: sliceCells(flush.bins, from, to),
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
