// Worker thread of verifyMany(): builds the keyrings once, then verifies the
// chunks of paths it is sent.
import { parentPort, workerData } from "node:worker_threads";
import { keyringsFromAnchors } from "./batch.js";
import { verifyOne, type WorkerJob, type WorkerReply } from "./batch-core.js";

const kr = keyringsFromAnchors(workerData.anchors, workerData.version);
parentPort!.on("message", async (m: { jobs?: WorkerJob[]; done?: boolean }) => {
  if (m.done || !m.jobs) {
    parentPort!.close();
    return;
  }
  const replies: WorkerReply[] = [];
  for (const j of m.jobs) replies.push({ index: j.index!, item: await verifyOne(j, kr) });
  parentPort!.postMessage({ replies });
});
