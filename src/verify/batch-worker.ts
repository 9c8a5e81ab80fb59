// Worker thread of verifyMany(): builds the keyrings once, then verifies the
// chunks of paths it is sent.
import { parentPort, workerData } from "node:worker_threads";
import { keyringsFromAnchors } from "./batch.js";
import { verifyOne, type WorkerJob, type WorkerReply } from "./batch-core.js";

const kr = keyringsFromAnchors(workerData.anchors, workerData.version, workerData.crypto);
// Chunks are handled one after another, in arrival order.
let queue: Promise<void> = Promise.resolve();
parentPort!.on("message", (m: { jobs?: WorkerJob[] }) => {
  const jobs = m.jobs;
  if (!jobs) return;
  queue = queue.then(async () => {
    const replies: WorkerReply[] = [];
    for (const j of jobs) replies.push({ index: j.index!, item: await verifyOne(j, kr) });
    parentPort!.postMessage({ replies });
  });
});
