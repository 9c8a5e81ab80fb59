// pkcs7_validate_trust() walks: which embedded chain, against which keyring
// key, gives which answer (crypto/asymmetric_keys/pkcs7_trust.c), built with
// the corpus's TEST ONLY rogue chain (root -> intermediate -> signer).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { certificatesIn, createKeyrings, loadCertFile, verifyPe } from "../../src/verify/index.js";
import { SKIP_SHARED } from "../helpers/shared.js";
import { loadSigner, signPe, unsignedImage } from "./build.js";
import { CORPUS } from "./corpus-helpers.js";

const der = (p: string) => certificatesIn(readFileSync(join(CORPUS, p)))[0]!;

function kr(...anchors: string[]) {
  const k = createKeyrings("6.1");
  for (const a of anchors) for (const key of loadCertFile(join(CORPUS, a))) k.builtin.add(key);
  return k;
}

describe("trust walk", { skip: SKIP_SHARED }, () => {
  const image = unsignedImage();
  const signer = loadSigner("pe/testkeys/rogue-signer.pem", "pe/testkeys/rogue-signer.key");
  const inter = der("pe/testkeys/rogue-intermediate.der");
  const root = der("pe/testkeys/rogue-root.der");
  const ROOT = "pe/testkeys/rogue-root.pem";
  const INTER = "pe/testkeys/rogue-intermediate.pem";
  const SIGNER = "pe/testkeys/rogue-signer.pem";
  const withChain = (certs: Uint8Array[]) => signPe(image, signer, { certs });

  const cases: [string, Uint8Array[], string, string, string | null][] = [
    // [what, embedded certs, anchor, verdict, kernel]
    [
      "leaf + intermediate, root trusted: the walk ends at the intermediate, its AKID finds the root",
      [signer.cert, inter],
      ROOT,
      "valid",
      "accept",
    ],
    [
      "leaf + intermediate, intermediate trusted: found in the walk, it verifies the leaf",
      [signer.cert, inter],
      INTER,
      "valid",
      "accept",
    ],
    ["leaf only, intermediate trusted: the leaf's AKID finds it", [signer.cert], INTER, "valid", "accept"],
    [
      "leaf only, root trusted: nothing links the leaf to the root",
      [signer.cert],
      ROOT,
      "untrusted",
      "ENOKEY",
    ],
    ["leaf trusted itself", [signer.cert], SIGNER, "valid", "accept"],
    [
      "full chain up to a self-signed root that is not trusted",
      [signer.cert, inter, root],
      "pe/testkeys/test-ca.pem",
      "untrusted",
      "ENOKEY",
    ],
    ["full chain, root trusted", [signer.cert, inter, root], ROOT, "valid", "accept"],
    ["certificates in any order", [root, signer.cert, inter], ROOT, "valid", "accept"],
  ];
  for (const [what, certs, anchor, verdict, kernel] of cases)
    test(what, () => {
      const r = verifyPe(withChain(certs), kr(anchor));
      assert.equal(r.verdict, verdict, r.message);
      assert.equal(r.kernel.accept ? "accept" : r.kernel.errno, kernel, r.kernel.reason);
    });

  test("a trusted key with the right issuer and serial but another SKID is no match (find_asymmetric_key)", () => {
    // the signer's certificate embedded, the keyring holding the intermediate: matching goes by AKID
    // keyIdentifier (the rogue certs carry no AKID issuer+serial), so a different CA with the same name fails
    const r = verifyPe(withChain([signer.cert]), kr("pe/testkeys/test-ca.pem", ROOT));
    assert.deepEqual([r.verdict, r.kernel.errno], ["untrusted", "ENOKEY"]);
  });
});
