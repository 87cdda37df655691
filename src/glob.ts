// Globs in the config (exception resources, repository names, deploy-key allow-lists): `*` matches any
// run of characters, everything else matches itself.
export function globToRegExp(glob: string, flags = ''): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, flags);
}
