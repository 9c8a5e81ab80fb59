// ECDSA verification over a given digest (the kernel verifies a digest it
// computed itself; node:crypto only verifies messages), crypto/ecdsa.c:
// _ecdsa_verify(). Prime curves only, affine/Jacobian arithmetic in BigInt.
interface Curve {
  p: bigint;
  a: bigint;
  b: bigint;
  n: bigint;
  gx: bigint;
  gy: bigint;
  /** ndigits * 8: the kernel's key length in bytes */
  keylen: number;
  /** Bytes per coordinate of the public point (keylen, except P-521: 66 in 9 digits) */
  coordLen?: number;
  /** Kernels that register ecdsa-nist-<curve> (crypto/ecdsa.c): P-521 only from 6.10 */
  since?: "6.12";
}

const h = (s: string) => BigInt(`0x${s}`);
export const CURVES: Record<string, Curve> = {
  "ecdsa-nist-p192": {
    p: h("fffffffffffffffffffffffffffffffeffffffffffffffff"),
    a: h("fffffffffffffffffffffffffffffffefffffffffffffffc"),
    b: h("64210519e59c80e70fa7e9ab72243049feb8deecc146b9b1"),
    n: h("ffffffffffffffffffffffff99def836146bc9b1b4d22831"),
    gx: h("188da80eb03090f67cbf20eb43a18800f4ff0afd82ff1012"),
    gy: h("07192b95ffc8da78631011ed6b24cdd573f977a11e794811"),
    keylen: 24,
  },
  "ecdsa-nist-p256": {
    p: h("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"),
    a: h("ffffffff00000001000000000000000000000000fffffffffffffffffffffffc"),
    b: h("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"),
    n: h("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
    gx: h("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
    gy: h("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
    keylen: 32,
  },
  "ecdsa-nist-p384": {
    p: h("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff"),
    a: h("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc"),
    b: h("b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef"),
    n: h("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973"),
    gx: h("aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7"),
    gy: h("3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f"),
    keylen: 48,
  },
  // 6.12 crypto/ecdsa.c registers ecdsa-nist-p521 (ECC_CURVE_NIST_P521, 9 digits of 64 bits)
  "ecdsa-nist-p521": {
    p: (1n << 521n) - 1n,
    a: (1n << 521n) - 4n,
    b: h(
      "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
    ),
    n: h(
      "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
    ),
    gx: h(
      "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66",
    ),
    gy: h(
      "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
    ),
    keylen: 72,
    coordLen: 66,
    since: "6.12",
  },
};

const mod = (a: bigint, m: bigint) => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

type J = [bigint, bigint, bigint];

function dbl(c: Curve, [x, y, z]: J): J {
  if (y === 0n || z === 0n) return [0n, 1n, 0n];
  const { p } = c;
  const y2 = (y * y) % p;
  const s = (4n * x * y2) % p;
  const z2 = (z * z) % p;
  const m = mod(3n * x * x + c.a * z2 * z2, p);
  const x3 = mod(m * m - 2n * s, p);
  const y3 = mod(m * (s - x3) - 8n * y2 * y2, p);
  const z3 = (2n * y * z) % p;
  return [x3, y3, z3];
}

function add(c: Curve, P: J, Q: J): J {
  if (P[2] === 0n) return Q;
  if (Q[2] === 0n) return P;
  const { p } = c;
  const z1z1 = (P[2] * P[2]) % p;
  const z2z2 = (Q[2] * Q[2]) % p;
  const u1 = (P[0] * z2z2) % p;
  const u2 = (Q[0] * z1z1) % p;
  const s1 = (P[1] * Q[2] * z2z2) % p;
  const s2 = (Q[1] * P[2] * z1z1) % p;
  if (u1 === u2) return s1 === s2 ? dbl(c, P) : [0n, 1n, 0n];
  const hh = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const h2 = (hh * hh) % p;
  const h3 = (h2 * hh) % p;
  const x3 = mod(r * r - h3 - 2n * u1 * h2, p);
  const y3 = mod(r * (u1 * h2 - x3) - s1 * h3, p);
  const z3 = (hh * P[2] * Q[2]) % p;
  return [x3, y3, z3];
}

/** u1*G + u2*Q (Shamir's trick). */
function shamir(c: Curve, u1: bigint, u2: bigint, Q: J): J {
  const G: J = [c.gx, c.gy, 1n];
  const GQ = add(c, G, Q);
  let R: J = [0n, 1n, 0n];
  const bits = Math.max(u1.toString(2).length, u2.toString(2).length);
  for (let i = bits - 1; i >= 0; i--) {
    R = dbl(c, R);
    const b1 = (u1 >> BigInt(i)) & 1n;
    const b2 = (u2 >> BigInt(i)) & 1n;
    if (b1 && b2) R = add(c, R, GQ);
    else if (b1) R = add(c, R, G);
    else if (b2) R = add(c, R, Q);
  }
  return R;
}

export function toBig(b: Uint8Array): bigint {
  return b.length ? BigInt(`0x${Buffer.from(b).toString("hex")}`) : 0n;
}

export function onCurve(c: Curve, x: bigint, y: bigint): boolean {
  if (x >= c.p || y >= c.p) return false;
  return mod(y * y - (x * x * x + c.a * x + c.b), c.p) === 0n;
}

/**
 * _ecdsa_verify(): r, s already range-checked by the caller; `digest` is
 * truncated/padded to the key length as ecdsa_verify() does. true = match.
 */
export function ecdsaVerifyDigest(
  c: Curve,
  qx: bigint,
  qy: bigint,
  digest: Uint8Array,
  r: bigint,
  s: bigint,
): boolean {
  let raw = digest;
  if (raw.length > c.keylen) raw = raw.subarray(0, c.keylen);
  const e = toBig(raw);
  const w = inv(s, c.n);
  const u1 = mod(e * w, c.n);
  const u2 = mod(r * w, c.n);
  const R = shamir(c, u1, u2, [qx, qy, 1n]);
  if (R[2] === 0n) return false;
  const zi = inv(R[2], c.p);
  let x = mod(R[0] * zi * zi, c.p);
  if (x >= c.n) x -= c.n;
  return x === r;
}
