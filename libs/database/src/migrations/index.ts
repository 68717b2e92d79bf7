import { InitialSchema1796311220457 } from './1796311220457-InitialSchema';
import { SeedSettings1796311230000 } from './1796311230000-SeedSettings';
import { JobPipeline1796311989548 } from './1796311989548-JobPipeline';
import { JobStatusNotify1796312100000 } from './1796312100000-JobStatusNotify';
import { JobEventsPartitioned1796319923227 } from './1796319923227-JobEventsPartitioned';
import { Catalog1796320017124 } from './1796320017124-Catalog';
import { RepositoryCheckSchedule1796321696440 } from './1796321696440-RepositoryCheckSchedule';

/** Every migration, oldest first. Never edit one that has been released; add a new one. */
export const MIGRATIONS = [
  InitialSchema1796311220457,
  SeedSettings1796311230000,
  JobPipeline1796311989548,
  JobStatusNotify1796312100000,
  JobEventsPartitioned1796319923227,
  Catalog1796320017124,
  RepositoryCheckSchedule1796321696440,
];
