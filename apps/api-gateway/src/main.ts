import { ApiModule, configureHttpApp } from '@cyborg/api';
import { runProcess } from '@cyborg/runtime';

runProcess({ name: 'api-gateway', modules: [ApiModule], queues: [], http: configureHttpApp });
