// Makes the baseline with knex's schema builder and a fixed seed data set. Run by ../record
// with statement logging off; the result is dumped to baseline.dump.
'use strict';
const { connect } = require('./db');

(async () => {
  const db = connect('accounts-setup');
  await db.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('name').notNullable();
    t.string('email').notNullable();
    t.string('nickname');  // read only through select *
    t.string('status').notNullable().defaultTo('active');
    t.integer('balance_cents').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await db.schema.createTable('notes', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['user_id']);
  });
  const at = new Date('2024-02-01T12:00:00Z');
  const seed = [];
  for (let i = 0; i < 40; i++) {
    // Mixed-case addresses: a data migration that lower-cases them changes what reads return.
    seed.push({ name: `Seed User ${i}`, email: `Seed.User${i}@Example.ORG`, nickname: i % 3 ? `seed${i}` : null,
      status: i % 5 ? 'active' : 'suspended', balance_cents: i * 100, created_at: at });
  }
  await db('users').insert(seed);
  await db('notes').insert(seed.map((_, i) => ({ user_id: i + 1, body: `welcome ${i}`, created_at: at })));
  await db.destroy();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
