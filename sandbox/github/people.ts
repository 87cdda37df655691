// The people of the organization: four owners (one more than the usual limit of three, so there is a
// finding), members (two of them without 2FA), and two outside collaborators. Larger organizations
// get more members, named from first and last names, so the member list pages like a real one.
import { between, legacyNodeId } from './chance.js';
import { accountLinks, API_ROOT, WEB_ROOT } from './urls.js';

export interface Person {
  login: string;
  id: number;
  owner: boolean;
  twoFactor: boolean;
}

export interface People {
  /** Owners and members, by id: the order GitHub lists members in. */
  members: Person[];
  owners: Person[];
  /** Members who are not owners: authors of most pull requests. */
  nonOwners: Person[];
  outsideCollaborators: Person[];
}

const OWNERS = ['maria-chen', 'dkowalski', 'sam-okafor', 'priya-raman'];
const MEMBERS = [
  'jbrooks',
  'lena-fischer',
  'tomasz-nowak',
  'aiko-tanaka',
  'rgarcia',
  'nina-patel',
  'omar-haddad',
  'kwame-mensah',
  'sofia-lund',
  'ethan-wu',
  'fatima-zahra',
];
/** Members (not owners) who have not turned on 2FA: what `filter=2fa_disabled` returns. */
export const MEMBERS_WITHOUT_TWO_FACTOR = ['tomasz-nowak', 'rgarcia'];
export const OUTSIDE_COLLABORATORS = ['jlee-consulting', 'avasquez-contractor'];
export const DEFAULT_MEMBER_COUNT = OWNERS.length + MEMBERS.length;

const FIRST = ['alex', 'ben', 'carla', 'dev', 'elif', 'femi', 'gita', 'hugo', 'ines', 'jonas', 'kira', 'luis', 'mei', 'noor', 'oscar', 'paula'];
const LAST = ['ahmed', 'berg', 'costa', 'diaz', 'evans', 'fox', 'gupta', 'hale', 'ito', 'jensen', 'kim', 'lopez', 'moss', 'nunez', 'olsen', 'park'];

/** Generated logins past the fixed ones: first-last, then first-last-2 … once the names run out. */
function generatedLogin(n: number): string {
  const round = Math.floor(n / (FIRST.length * LAST.length));
  const first = FIRST[n % FIRST.length]!;
  const last = LAST[Math.floor(n / FIRST.length) % LAST.length]!;
  return round === 0 ? `${first}-${last}` : `${first}-${last}-${round + 1}`;
}

export function buildPeople(seed: number, memberCount: number): People {
  const logins = [...OWNERS, ...MEMBERS];
  for (let n = 0; logins.length < memberCount; n++) logins.push(generatedLogin(n));
  // Ids grow with the join order (owners first, as founders do); the jitter only makes them look real.
  const members = logins.map((login, index) => ({
    login,
    id: 1_480_000 + index * 211_417 + between(seed, `user-id:${login}`, 0, 9_999),
    owner: index < OWNERS.length,
    twoFactor: !MEMBERS_WITHOUT_TWO_FACTOR.includes(login),
  }));
  const outsideCollaborators = OUTSIDE_COLLABORATORS.map((login, index) => ({
    login,
    id: 41_200_000 + index * 3_301_771 + between(seed, `user-id:${login}`, 0, 9_999),
    owner: false,
    twoFactor: true,
  }));
  return {
    members,
    owners: members.filter((p) => p.owner),
    nonOwners: members.filter((p) => !p.owner),
    outsideCollaborators,
  };
}

/** A `simple-user` of the REST API. */
export function userJson(person: Person): Record<string, unknown> {
  const url = `${API_ROOT}/users/${person.login}`;
  return {
    login: person.login,
    id: person.id,
    node_id: legacyNodeId('User', person.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${person.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${WEB_ROOT}/${person.login}`,
    ...accountLinks(url),
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}
