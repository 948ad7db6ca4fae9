// The blog's models (Sequelize 6). Serial ids everywhere; Post is paranoid (soft delete:
// destroy() sets deletedAt); every association is a real foreign key.
'use strict';
const { Sequelize, DataTypes } = require('sequelize');

function connect(applicationName) {
  const sequelize = new Sequelize(process.env.PGDATABASE, process.env.PGUSER, process.env.PGPASSWORD || null, {
    host: process.env.PGHOST,
    port: Number(process.env.PGPORT),
    dialect: 'postgres',
    logging: false,
    // One client is one connection: its statements keep their order in one session.
    pool: { max: 1, min: 0, idle: 60000, acquire: 60000 },
    dialectOptions: { application_name: applicationName },
  });

  const User = sequelize.define('User', {
    name: { type: DataTypes.STRING, allowNull: false },
    email: { type: DataTypes.STRING, allowNull: false, unique: true },
    karma: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  });
  const Profile = sequelize.define('Profile', {
    userId: { type: DataTypes.INTEGER, primaryKey: true, references: { model: User, key: 'id' } },
    bio: { type: DataTypes.TEXT },
    visits: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  });
  const Post = sequelize.define('Post', {
    title: { type: DataTypes.STRING, allowNull: false },
    category: { type: DataTypes.STRING, allowNull: false },
    score: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    body: { type: DataTypes.TEXT },
  }, { paranoid: true });
  const Comment = sequelize.define('Comment', {
    body: { type: DataTypes.TEXT, allowNull: false },
    rating: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  });
  const Tag = sequelize.define('Tag', {
    name: { type: DataTypes.STRING, allowNull: false, unique: true },
  });
  const PostTag = sequelize.define('PostTag', {}, { timestamps: false });

  User.hasMany(Post, { foreignKey: { name: 'userId', allowNull: false }, as: 'posts' });
  Post.belongsTo(User, { foreignKey: { name: 'userId', allowNull: false }, as: 'author' });
  User.hasOne(Profile, { foreignKey: 'userId' });
  Profile.belongsTo(User, { foreignKey: 'userId' });
  Post.hasMany(Comment, { foreignKey: { name: 'postId', allowNull: false } });
  Comment.belongsTo(Post, { foreignKey: { name: 'postId', allowNull: false } });
  User.hasMany(Comment, { foreignKey: { name: 'userId', allowNull: false } });
  Comment.belongsTo(User, { foreignKey: { name: 'userId', allowNull: false } });
  Post.belongsToMany(Tag, { through: PostTag, foreignKey: 'postId' });
  Tag.belongsToMany(Post, { through: PostTag, foreignKey: 'tagId' });

  return { sequelize, User, Profile, Post, Comment, Tag, PostTag };
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

// Mixed case on purpose: ORDER BY name depends on the collation.
const NAMES = ['alice', 'Bob', 'carol', 'Dave', 'erin', 'Frank', 'grace', 'Heidi', 'ivan', 'Judy', 'mallory', 'Zoe'];
const CATEGORIES = ['news', 'howto', 'review', 'opinion'];
const TAGS = ['postgres', 'node', 'orm', 'migrations', 'sql', 'ops'];

module.exports = { connect, prng, NAMES, CATEGORIES, TAGS };
