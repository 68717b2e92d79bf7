import { InitialSchema1796311220457 } from './1796311220457-InitialSchema';
import { SeedSettings1796311230000 } from './1796311230000-SeedSettings';

/** Every migration, oldest first. Never edit one that has been released; add a new one. */
export const MIGRATIONS = [InitialSchema1796311220457, SeedSettings1796311230000];
