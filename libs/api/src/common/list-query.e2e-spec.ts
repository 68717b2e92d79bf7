import {
  type ApiObject,
  createClient,
  createPolicy,
  createRepository,
  createSchedule,
  TestApi,
} from '@cyborg/testing';

interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: ApiObject[];
}

describe('List queries', () => {
  let api: TestApi;
  let admin: string;
  // Schedules s1..s5, repositories, clients c1..c4 and policies p1..p4, made in that order.
  const s: ApiObject[] = [];
  const c: ApiObject[] = [];
  const p: ApiObject[] = [];

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.loginAdmin();

    for (const [name, crontab, enabled] of [
      ['Alpha Night', '0 1 * * *', true],
      ['alpha day', '0 13 * * *', true],
      ['Beta Weekly', '0 2 * * 0', false],
      ['Gamma_50%', '30 4 1 * *', true],
      ['Delta', '0 5 * * 1-5', false],
    ] as const) {
      s.push(await createSchedule(api, admin, { name, crontab, enabled }));
    }
    const primary = await createRepository(api, admin, { name: 'Primary Store' });
    const offsite = await createRepository(api, admin, { name: 'Offsite Copy' });
    for (const fields of [
      { hostname: 'web1.example.com' },
      { hostname: 'web2.example.com', port: 2222 },
      { hostname: 'db1.example.org', port: 2200, bandwidth_limit: 1000 },
      { hostname: 'mail.example.net', enabled: false },
    ]) {
      c.push(await createClient(api, admin, fields));
    }
    for (const [name, policy_type, repository, schedule, clients] of [
      ['Web nightly', 'rootfs', primary, s[0], [c[0], c[1]]],
      ['DB dump', 'mysql', offsite, s[1], [c[2]]],
      ['Mail config', 'config', primary, s[2], [c[3], c[0]]],
      ['Orphan', 'rootfs', offsite, s[0], []],
    ] as const) {
      p.push(
        await createPolicy(api, admin, {
          name,
          policy_type,
          repository: repository.id,
          schedule: schedule.id,
          clients: clients.map((client) => client.id),
        }),
      );
    }
  });

  afterAll(() => api.stop());

  async function list(path: string): Promise<Page> {
    const response = await api.get<Page>(path, admin);
    if (response.status !== 200)
      throw new Error(`GET ${path}: ${response.status} ${response.text}`);

    return response.body;
  }

  /** The ids a list answers, in its order. */
  async function ids(path: string): Promise<number[]> {
    return (await list(path)).results.map((r) => r.id);
  }

  function idsOf(...objects: ApiObject[]): number[] {
    return objects.map((o) => o.id);
  }

  describe('text lookups', () => {
    it.each([
      ['name=Delta', [4]],
      ['name__exact=Delta', [4]],
      ['name__exact=delta', []],
      ['name__iexact=DELTA', [4]],
      ['name__contains=lpha', [1, 0]],
      ['name__contains=LPHA', []],
      ['name__icontains=LPHA', [1, 0]],
      ['name__startswith=Alpha', [0]],
      ['name__istartswith=alpha', [1, 0]],
      ['name__endswith=Night', [0]],
      ['name__endswith=night', []],
      ['name__iendswith=NIGHT', [0]],
      ['name__regex=^[AB]', [2, 0]],
      ['name__iregex=^a', [1, 0]],
      ['name__in=Delta,Beta Weekly', [4, 2]],
      ['crontab__startswith=0 1', [1, 0]],
    ])('?%s filters schedules', async (query, expected) => {
      const found = await ids(`/api/v1/schedules/?${query.replace(/ /g, '%20')}`);

      expect(found).toEqual(expected.map((i) => s[i].id));
    });

    it('takes % and _ literally in like lookups', async () => {
      expect(await ids('/api/v1/schedules/?name__contains=_')).toEqual(idsOf(s[3]));
      expect(await ids('/api/v1/schedules/?name__contains=50%25')).toEqual(idsOf(s[3]));
      expect(await ids('/api/v1/schedules/?name__endswith=%25')).toEqual(idsOf(s[3]));
    });

    it('refuses text lookups on other fields, and unknown fields, with 400', async () => {
      const wrongType = await api.get('/api/v1/clients/?port__contains=2', admin);
      const unknownField = await api.get('/api/v1/clients/?colour=red', admin);
      const unknownLookup = await api.get('/api/v1/clients/?hostname__near=x', admin);

      expect(wrongType.status).toBe(400);
      expect(wrongType.body).toEqual({ port__contains: [expect.stringMatching(/text fields/)] });
      expect(unknownField.status).toBe(400);
      expect(unknownField.body).toEqual({ colour: [expect.stringMatching(/Unknown filter/)] });
      expect(unknownLookup.status).toBe(400);
    });
  });

  describe('number, boolean and date lookups', () => {
    it.each([
      ['port=22', [3, 0]],
      ['port__gt=22', [2, 1]],
      ['port__gte=2200', [2, 1]],
      ['port__lt=2200', [3, 0]],
      ['port__lte=2200', [3, 2, 0]],
      ['port__in=22,2222', [3, 1, 0]],
      ['bandwidth_limit__isnull=false', [2]],
      ['bandwidth_limit__isnull=true', [3, 1, 0]],
      ['enabled=false', [3]],
      ['enabled=1', [2, 1, 0]],
    ])('?%s filters clients', async (query, expected) => {
      expect(await ids(`/api/v1/clients/?${query}`)).toEqual(expected.map((i) => c[i].id));
    });

    it('compares ids and dates', async () => {
      const middle = s[2].id;

      expect(await ids(`/api/v1/schedules/?id__gt=${middle}`)).toEqual(idsOf(s[4], s[3]));
      expect(await ids(`/api/v1/schedules/?id__gte=${middle}`)).toEqual(idsOf(s[4], s[3], s[2]));
      expect(await ids(`/api/v1/schedules/?id__lt=${middle}`)).toEqual(idsOf(s[1], s[0]));
      expect(await ids(`/api/v1/schedules/?id__lte=${middle}`)).toEqual(idsOf(s[2], s[1], s[0]));
      expect(await ids(`/api/v1/schedules/?id__in=${s[0].id},${s[3].id}`)).toEqual(
        idsOf(s[3], s[0]),
      );
      expect(await ids('/api/v1/schedules/?created__gte=2000-01-01T00:00:00Z')).toHaveLength(5);
      expect(await ids('/api/v1/schedules/?created__lt=2000-01-01')).toEqual([]);
    });

    it('refuses values of the wrong type with 400 naming the parameter', async () => {
      for (const query of [
        'port=ssh',
        'port__in=22,ssh',
        'enabled=maybe',
        'created__gt=yesterday',
        'bandwidth_limit__isnull=perhaps',
      ]) {
        const response = await api.get(`/api/v1/clients/?${query}`, admin);

        expect(response.status).toBe(400);
        expect(Object.keys(response.body as object)).toEqual([query.split('=')[0]]);
      }
    });
  });

  describe('not__ and or__', () => {
    it('negate a condition with not__', async () => {
      expect(await ids('/api/v1/schedules/?not__name__istartswith=alpha')).toEqual(
        idsOf(s[4], s[3], s[2]),
      );
      expect(await ids('/api/v1/clients/?not__port=22')).toEqual(idsOf(c[2], c[1]));
    });

    it('join or__ conditions with OR, and the group with the others with AND', async () => {
      expect(await ids('/api/v1/schedules/?or__name=Delta&or__name__startswith=Beta')).toEqual(
        idsOf(s[4], s[2]),
      );
      expect(
        await ids('/api/v1/schedules/?enabled=false&or__name=Delta&or__name__startswith=Alpha'),
      ).toEqual(idsOf(s[4]));
      expect(await ids('/api/v1/clients/?or__port=2222&or__not__enabled=true')).toEqual(
        idsOf(c[3], c[1]),
      );
    });
  });

  describe('related fields', () => {
    it('filter policies by their repository and schedule', async () => {
      expect(await ids('/api/v1/policies/?repository__name=Primary%20Store')).toEqual(
        idsOf(p[2], p[0]),
      );
      expect(await ids('/api/v1/policies/?repository__name__icontains=offsite')).toEqual(
        idsOf(p[3], p[1]),
      );
      expect(await ids(`/api/v1/policies/?repository=${p[1].repository as number}`)).toEqual(
        idsOf(p[3], p[1]),
      );
      expect(await ids('/api/v1/policies/?schedule__crontab=0%201%20*%20*%20*')).toEqual(
        idsOf(p[3], p[0]),
      );
      expect(await ids(`/api/v1/policies/?schedule__name__iexact=ALPHA%20DAY`)).toEqual(
        idsOf(p[1]),
      );
    });

    it('filter policies by their clients, listing each policy once', async () => {
      expect(await ids('/api/v1/policies/?clients__hostname=web1.example.com')).toEqual(
        idsOf(p[2], p[0]),
      );
      expect(await ids('/api/v1/policies/?clients__hostname__endswith=.org')).toEqual(idsOf(p[1]));
      expect(await ids(`/api/v1/policies/?clients=${c[2].id}`)).toEqual(idsOf(p[1]));

      const page = await list('/api/v1/policies/?clients__hostname__startswith=web');

      expect(page.count).toBe(2);
      expect(page.results.map((r) => r.id)).toEqual(idsOf(p[2], p[0]));
      expect(await ids('/api/v1/policies/?not__clients__hostname=web1.example.com')).toEqual(
        idsOf(p[3], p[1]),
      );
    });

    it('filter clients by their policies', async () => {
      expect(await ids('/api/v1/clients/?policies__name=Web%20nightly')).toEqual(idsOf(c[1], c[0]));
      expect(await ids('/api/v1/clients/?policies__name__istartswith=mail')).toEqual(
        idsOf(c[3], c[0]),
      );
      expect(await ids(`/api/v1/clients/?policies__id=${p[1].id}`)).toEqual(idsOf(c[2]));
    });

    it('order policies by a related field', async () => {
      expect(await ids('/api/v1/policies/?order_by=repository__name,name')).toEqual(
        idsOf(p[1], p[3], p[2], p[0]),
      );
    });
  });

  describe('?search=', () => {
    it('looks through names, host names and e-mails without regard to case', async () => {
      expect(await ids('/api/v1/schedules/?search=ALPHA')).toEqual(idsOf(s[1], s[0]));
      expect(await ids('/api/v1/schedules/?search=0%2013')).toEqual(idsOf(s[1]));
      expect(await ids('/api/v1/clients/?search=DB1')).toEqual(idsOf(c[2]));
      expect(await ids('/api/v1/policies/?search=dump')).toEqual(idsOf(p[1]));
      expect(await ids('/api/v1/repositories/?search=offsite')).toHaveLength(1);
      expect((await list('/api/v1/users/?search=CYBORG.local')).count).toBe(1);
    });

    it('combines with filters, and takes % literally', async () => {
      expect(
        await ids('/api/v1/schedules/?search=alpha&enabled=true&name__contains=Night'),
      ).toEqual(idsOf(s[0]));
      expect(await ids('/api/v1/schedules/?search=%25')).toEqual(idsOf(s[3]));
    });
  });

  describe('ordering', () => {
    it('is by -id unless asked otherwise', async () => {
      expect(await ids('/api/v1/clients/')).toEqual(idsOf(c[3], c[2], c[1], c[0]));
      expect(await ids('/api/v1/schedules/')).toEqual(idsOf(s[4], s[3], s[2], s[1], s[0]));
    });

    it('follows ?order_by= and ?order=, with - for descending and several fields', async () => {
      expect(await ids('/api/v1/clients/?order_by=hostname')).toEqual(
        idsOf(c[2], c[3], c[0], c[1]),
      );
      expect(await ids('/api/v1/clients/?order_by=-hostname')).toEqual(
        idsOf(c[1], c[0], c[3], c[2]),
      );
      expect(await ids('/api/v1/clients/?order=port,-hostname')).toEqual(
        idsOf(c[0], c[3], c[2], c[1]),
      );
      expect(await ids('/api/v1/clients/?order_by=-port,hostname')).toEqual(
        idsOf(c[1], c[2], c[3], c[0]),
      );
      expect(await ids('/api/v1/clients/?order_by=id')).toEqual(idsOf(c[0], c[1], c[2], c[3]));
    });

    it('breaks ties by -id', async () => {
      expect(await ids('/api/v1/clients/?order_by=port&port=22')).toEqual(idsOf(c[3], c[0]));
    });

    it('refuses unknown and to-many fields with 400', async () => {
      const unknown = await api.get('/api/v1/clients/?order_by=colour', admin);
      const many = await api.get('/api/v1/clients/?order_by=policies__name', admin);

      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({ order_by: [expect.stringMatching(/colour/)] });
      expect(many.status).toBe(400);
    });
  });

  describe('?fields=', () => {
    it('keeps only the fields asked for', async () => {
      const page = await list('/api/v1/clients/?fields=id,hostname&port=2222');

      expect(page.results).toEqual([{ id: c[1].id, hostname: 'web2.example.com' }]);
    });

    it('can pick nested fields such as summary_fields', async () => {
      const page = await list(`/api/v1/policies/?fields=name,summary_fields&id=${p[3].id}`);

      expect(Object.keys(page.results[0]).sort()).toEqual(['name', 'summary_fields']);
    });

    it('refuses an unknown field with 400', async () => {
      const response = await api.get('/api/v1/clients/?fields=id,colour', admin);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ fields: [expect.stringMatching(/colour/)] });
    });
  });

  describe('pagination', () => {
    it('cuts the list into pages with relative next and previous links', async () => {
      const first = await list('/api/v1/schedules/?page_size=2');
      const second = await list('/api/v1/schedules/?page_size=2&page=2');
      const third = await list('/api/v1/schedules/?page_size=2&page=3');

      expect(first).toEqual({
        count: 5,
        next: '/api/v1/schedules/?page_size=2&page=2',
        previous: null,
        results: [
          expect.objectContaining({ id: s[4].id }),
          expect.objectContaining({ id: s[3].id }),
        ],
      });
      expect(second.next).toBe('/api/v1/schedules/?page_size=2&page=3');
      expect(second.previous).toBe('/api/v1/schedules/?page_size=2');
      expect(second.results.map((r) => r.id)).toEqual(idsOf(s[2], s[1]));
      expect(third.next).toBeNull();
      expect(third.previous).toBe('/api/v1/schedules/?page_size=2&page=2');
      expect(third.results.map((r) => r.id)).toEqual(idsOf(s[0]));
    });

    it('keeps the other query parameters in next and previous', async () => {
      const page = await list(
        '/api/v1/schedules/?search=a&order_by=name&enabled=true&page_size=1&page=2',
      );

      expect(page.count).toBe(3);
      expect(page.next).toBe(
        '/api/v1/schedules/?search=a&order_by=name&enabled=true&page_size=1&page=3',
      );
      expect(page.previous).toBe(
        '/api/v1/schedules/?search=a&order_by=name&enabled=true&page_size=1',
      );
      expect((await list(page.next as string)).results).toHaveLength(1);
      expect((await list(page.previous as string)).results).toHaveLength(1);
    });

    it('answers 404 for a page past the end, but page 1 of an empty list is fine', async () => {
      const past = await api.get('/api/v1/schedules/?page_size=2&page=4', admin);
      const empty = await list('/api/v1/schedules/?name=nothing');

      expect(past.status).toBe(404);
      expect(past.body).toEqual({ detail: expect.any(String) });
      expect(empty).toEqual({ count: 0, next: null, previous: null, results: [] });
    });

    it('refuses a page or page size that is not a whole number in range with 400', async () => {
      for (const [query, field] of [
        ['page=0', 'page'],
        ['page=two', 'page'],
        ['page_size=0', 'page_size'],
        ['page_size=201', 'page_size'],
        ['page_size=-5', 'page_size'],
      ]) {
        const response = await api.get(`/api/v1/schedules/?${query}`, admin);

        expect(response.status).toBe(400);
        expect(response.body).toEqual({ [field]: [expect.any(String)] });
      }
    });

    it('holds 25 objects by default and up to 200 when asked', async () => {
      await api.dataSource.query(
        `INSERT INTO schedules (name, crontab)
         SELECT 'bulk ' || n, '0 0 * * *' FROM generate_series(1, 210) AS n`,
      );

      const byDefault = await list('/api/v1/schedules/?name__startswith=bulk');
      const largest = await list('/api/v1/schedules/?name__startswith=bulk&page_size=200');
      const last = await list('/api/v1/schedules/?name__startswith=bulk&page_size=200&page=2');

      expect(byDefault.count).toBe(210);
      expect(byDefault.results).toHaveLength(25);
      expect(byDefault.next).toBe('/api/v1/schedules/?name__startswith=bulk&page=2');
      expect(largest.results).toHaveLength(200);
      expect(last.results).toHaveLength(10);
      expect(last.results.at(-1)?.name).toBe('bulk 1');
    });
  });
});
