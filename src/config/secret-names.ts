/**
 * What counts as a credential in an environment variable's name. One rule for both uses: such variables
 * never reach a spawned server, and their values are scrubbed from the audit log.
 */
const SECRET_NAME = /(API_?KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
