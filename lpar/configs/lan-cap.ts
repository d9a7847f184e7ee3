/**
 * The two Linux partitions of lpar/configs/lan.ts with a send cap on linux-b's port: it sends at
 * most 20 Mbit/s (a token bucket on the timebase, hcalls/vswitch.ts); linux-a is not capped.
 */
import { system } from './lan';

system.ports[1].capBps = 20000000;

export { system };
