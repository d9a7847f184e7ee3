/**
 * Memory shared between partitions through grants (`make run CONFIG=share`; docs/hcalls.md):
 * the owner grants a page read-write to the user, the user maps it in its grant window, reads
 * the owner's value and writes an answer back; the owner revokes the grant and the user's next
 * read through the window is a storage violation. The outsider, whose label shares no type
 * with the owner's (shype/policies/share.pol), is refused H_AUTHORITY for MAP and GRANT.
 *
 * The guests' convention: LPIDs follow the configuration order (owner 1, user 2, outsider 3).
 */
import { Program, SystemConfig } from '../config';

export const system = new SystemConfig('share');
system.policy = 'share';

system.add('owner', Program.ShareOwner, 16, 30);
system.add('user', Program.ShareUser, 16, 30);
system.add('outsider', Program.ShareOutsider, 16, 30);
