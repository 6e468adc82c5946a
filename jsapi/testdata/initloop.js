while (true) {}
export default function () {}
