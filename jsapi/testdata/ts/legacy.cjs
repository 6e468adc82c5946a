module.exports = { greet: (n) => "hello " + n };
