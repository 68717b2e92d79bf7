import { InitialSchema1796311220457 } from './1796311220457-InitialSchema';
import { SeedSettings1796311230000 } from './1796311230000-SeedSettings';
import { JobPipeline1796311654073 } from './1796311654073-JobPipeline';

/** Every migration, oldest first. Never edit one that has been released; add a new one. */
export const MIGRATIONS = [
  InitialSchema1796311220457,
  SeedSettings1796311230000,
  JobPipeline1796311654073,
];
