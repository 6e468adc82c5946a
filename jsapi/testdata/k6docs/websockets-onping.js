// The WebSocket.onping example of k6's documentation, unmodified below this comment.
// Tests run it against a loopback server (see k6docs_test.go); never run it yourself.
import { WebSocket } from 'k6/experimental/websockets';

export default function () {
  const ws = new WebSocket('wss://quickpizza.grafana.com/ws');

  ws.onping = () => {
    console.log('A ping happened!');
    ws.close();
  };

  ws.onclose = () => {
    console.log('WebSocket connection closed!');
  };

  ws.onopen = () => {
    ws.send(JSON.stringify({ event: 'SET_NAME', new_name: `Croc ${__VU}` }));
  };
  ws.onerror = (err) => {
    console.log(err);
  };
}
