"""JOSE for the harness (RFC 7515 JWS, RFC 7517 JWK, RFC 7519 JWT), built on jwcrypto.

All signing, key handling and token decoding in the harness goes through this
package; nothing else splits JWTs by hand.
"""

from harness.jose.keys import generate_ec, generate_rsa, public_jwks
from harness.jose.tokens import BadJwt, decode_unverified, sign, verify

__all__ = ["generate_rsa", "generate_ec", "public_jwks", "sign", "verify", "BadJwt", "decode_unverified"]
