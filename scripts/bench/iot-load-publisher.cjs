/**
 * The load of the IoT benchmark (measure-iot.ts), in a worker thread so that it runs on the other core: `connections`
 * MQTT clients publish QoS 1 readings round-robin over the given sensors at `rate` a second for `seconds`, each
 * reading a new (sensor, observed time), and report how many were acknowledged (PUBACK), how long acks took, and
 * the CPU this thread used meanwhile (it shares the machine's cores with the server under test).
 */
const { parentPort, workerData } = require('node:worker_threads');
const mqtt = require('mqtt');
const fs = require('node:fs');

/** This thread's id (Linux: /proc/thread-self → <pid>/task/<tid>), so that the bench can tell its CPU apart. */
/** CPU milliseconds of this thread so far (utime + stime, 10 ms ticks), null without /proc. */
function threadCpuMs() {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function threadId() {
  try {
    return Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
}

async function main() {
  const { url, username, password, sensors, units, values, rate, seconds, connections, baseTime } = workerData;
  const clients = [];
  for (let i = 0; i < connections; i += 1) {
    clients.push(
      await mqtt.connectAsync(url, { clientId: `bench-load-${i}-${process.pid}`, username, password, reconnectPeriod: 0, protocolVersion: 4 }),
    );
  }
  const cpuAtStart = threadCpuMs();
  let sent = 0;
  let acked = 0;
  let failed = 0;
  const ackMs = [];
  const started = Date.now();
  const tickMs = 10;
  let next = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const elapsed = Date.now() - started;
      if (elapsed >= seconds * 1000) return resolve();
      const due = Math.floor((elapsed / 1000) * rate);
      for (; sent < due; sent += 1) {
        const k = next++;
        const s = k % sensors.length;
        const round = Math.floor(k / sensors.length);
        // A normal value that moves a little every round (never stuck, never fast), so the rules run but stay quiet.
        const payload = JSON.stringify({
          value: Math.round((values[s] + (round % 2) * 0.01) * 100) / 100,
          unit: units[s],
          observedAt: new Date(baseTime + round * 1000).toISOString(),
        });
        const t0 = performance.now();
        clients[k % clients.length].publish(`gridops/sensors/${sensors[s]}/reading`, payload, { qos: 1 }, (error) => {
          if (error) failed += 1;
          else {
            acked += 1;
            if (acked % 50 === 0) ackMs.push(performance.now() - t0);
          }
        });
      }
      setTimeout(tick, tickMs);
    };
    tick();
  });
  // Wait for the outstanding acknowledgements (at most 30 s).
  const waitUntil = Date.now() + 30_000;
  while (acked + failed < sent && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
  const finished = Date.now();
  const cpuAtEnd = threadCpuMs();
  await Promise.all(clients.map((c) => c.endAsync(true)));
  parentPort.postMessage({
    sent,
    acked,
    failed,
    ackMs,
    publishSeconds: seconds,
    drainedSeconds: (finished - started) / 1000,
    threadId: threadId(),
    cpuMs: cpuAtStart === null || cpuAtEnd === null ? null : cpuAtEnd - cpuAtStart,
  });
}

main().catch((error) => parentPort.postMessage({ error: String(error && error.message) }));
