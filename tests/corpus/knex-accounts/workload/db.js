// The accounts service's connection: knex with the pg driver, one connection per client
// (pool of 1), so a client's statements keep their order in one session.
'use strict';
const knex = require('knex');

function connect(applicationName) {
  return knex({
    client: 'pg',
    connection: {
      host: process.env.PGHOST,
      port: Number(process.env.PGPORT),
      user: process.env.PGUSER,
      database: process.env.PGDATABASE,
      application_name: applicationName,
    },
    pool: { min: 0, max: 1 },
  });
}

// A small seeded PRNG (mulberry32): a client's choices are the same on every recording.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = { connect, prng };
