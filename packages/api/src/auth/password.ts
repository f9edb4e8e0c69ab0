// The password format ("scrypt$N$r$p$saltB64$hashB64", node:crypto scrypt, constant-time
// compare) is implemented once in @switchboard/db, because the seed there writes the same
// column and db cannot depend on this package. The API reaches it through this module.
export { decoyPasswordHash, hashPassword, verifyPassword } from "@switchboard/db";
