// One client of the blog: `node app.js CLIENT ITERATIONS`. A client is one connection (its
// own Sequelize instance, pool of 1) that signs users up, writes posts in managed
// transactions with a nested one (a SAVEPOINT) for tags, comments, votes, soft-deletes,
// upserts profiles and browses with eager-loading joins. Its choices come from a PRNG seeded
// with the client number, so a re-recording sends the same statements (the ids the
// sequences hand out may differ when the clients interleave differently).
'use strict';
const { Op, UniqueConstraintError } = require('sequelize');
const { connect, prng, NAMES, CATEGORIES, TAGS } = require('./models');

const client = Number(process.argv[2]);
const iterations = Number(process.argv[3]);
const db = connect(`blog-client-${client}`);
const random = prng(1000 + client);
const pick = (list) => list[Math.floor(random() * list.length)];
const SEEDED_POSTS = 720;

const mine = { users: [], posts: [] };
let clock = Date.parse('2024-03-01T00:00:00Z') + client * 86400000;
// Timestamps are the application's (bound parameters), advanced per action: deterministic.
const now = () => new Date((clock += 1000));

async function signUp(i) {
  await db.sequelize.transaction(async (transaction) => {
    const user = await db.User.create(
      { name: `${pick(NAMES)} ${client}-${i}`, email: `c${client}.u${i}@example.org`, createdAt: now(), updatedAt: now() },
      { transaction });
    await db.Profile.create({ userId: user.id, bio: `client ${client}`, createdAt: now(), updatedAt: now() }, { transaction });
    mine.users.push(user.id);
  });
}

function author() {
  return mine.users.length > 0 && random() < 0.8 ? pick(mine.users) : 1 + Math.floor(random() * 12);
}

// A post, its author's first comment and a tag, in one transaction; the tag in a nested
// transaction (SAVEPOINT): creating a tag that exists fails (23505) and only rolls back to
// the savepoint.
async function writePost(i) {
  const userId = author();
  // One post in four has a short title (the application has no rule against it).
  const title = random() < 0.25 ? `Hi ${i}` : `Client ${client} post ${i}: ${pick(CATEGORIES)} notes`;
  const tagName = random() < 0.3 ? `c${client}-t${i}` : pick(TAGS);
  await db.sequelize.transaction(async (transaction) => {
    const post = await db.Post.create(
      { userId, title, category: pick(CATEGORIES), score: Math.floor(random() * 5), body: 'body', createdAt: now(), updatedAt: now() },
      { transaction });
    await db.Comment.create(
      { postId: post.id, userId, body: 'first!', rating: 1, createdAt: now(), updatedAt: now() }, { transaction });
    try {
      await db.sequelize.transaction({ transaction }, async (nested) => {
        await db.Tag.create({ name: tagName, createdAt: now(), updatedAt: now() }, { transaction: nested });
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintError)) throw error;
    }
    const tag = await db.Tag.findOne({ where: { name: tagName }, transaction });
    await db.PostTag.create({ postId: post.id, tagId: tag.id }, { transaction });
    mine.posts.push(post.id);
  });
}

function somePost() {
  return mine.posts.length > 0 && random() < 0.7 ? pick(mine.posts) : 1 + Math.floor(random() * SEEDED_POSTS);
}

async function comment() {
  await db.Comment.create({
    postId: somePost(), userId: author(), body: `comment from client ${client}`, rating: Math.floor(random() * 3),
    createdAt: now(), updatedAt: now(),
  });
}

// Eager loading with ORDER BY on non-unique keys (score, rating): rows tie.
async function browse() {
  const page = await db.Post.findAndCountAll({
    where: { category: pick(CATEGORIES) },
    include: [{ model: db.User, as: 'author', attributes: ['id', 'name'] }],
    order: [['score', 'DESC']],
    limit: 5,
    offset: random() < 0.5 ? 0 : 5,
  });
  if (page.rows.length > 0) {
    await db.Post.findAll({
      where: { userId: page.rows[0].userId },
      include: [{ model: db.Comment, attributes: ['id', 'rating', 'body'] }],
      order: [['score', 'DESC'], [db.Comment, 'rating', 'DESC']],
    });
  }
}

async function vote() {
  const id = somePost();
  if (random() < 0.5) {
    await db.Post.update({ score: Math.floor(random() * 5), updatedAt: now() }, { where: { id }, returning: true });
  } else {
    await db.Post.increment('score', { by: 1, where: { id } });
  }
}

async function softDelete() {
  if (mine.posts.length > 0) await db.Post.destroy({ where: { id: mine.posts.shift() } });
}

async function visitProfile(i) {
  const userId = mine.users.length > 0 ? pick(mine.users) : 1 + (client % 12);
  await db.Profile.upsert({ userId, bio: `visited by client ${client}`, visits: i, createdAt: now(), updatedAt: now() });
}

async function lookUp() {
  if (random() < 0.5) {
    await db.User.findAll({ attributes: ['id', 'name'], order: [['name', 'ASC']], where: { id: { [Op.lte]: 12 } } });
  } else {
    await db.User.findOne({ where: { email: `seed${Math.floor(random() * 12)}@example.org` } });
    await db.Comment.count({ where: { postId: somePost() } });
  }
}

const ACTIONS = [
  [0.10, signUp], [0.25, writePost], [0.20, comment], [0.20, browse], [0.10, vote],
  [0.03, softDelete], [0.07, visitProfile], [0.05, lookUp],
];

(async () => {
  await signUp(0);
  for (let i = 1; i <= iterations; i++) {
    let r = random();
    for (const [weight, action] of ACTIONS) {
      if ((r -= weight) < 0) {
        await action(i);
        break;
      }
    }
  }
  await db.sequelize.close();
})().catch((error) => {
  console.error(`client ${client}:`, error);
  process.exit(1);
});
