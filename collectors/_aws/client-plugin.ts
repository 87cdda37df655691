// The shape of a middleware plugin every AWS SDK client accepts (the session's clients and the role
// credentials' STS client alike): in a module of its own, so the plugins and the session that installs
// them need not import each other.
import type { FromTemporaryCredentialsOptions } from '@aws-sdk/credential-providers';

export type ClientPlugin = NonNullable<FromTemporaryCredentialsOptions['clientPlugins']>[number];
