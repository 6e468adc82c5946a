package metrics

// Names of the built-in metrics, k6's names plus nnjs's own.
const (
	VUs               = "vus"
	VUsMax            = "vus_max"
	Iterations        = "iterations"
	IterationDuration = "iteration_duration"
	DroppedIterations = "dropped_iterations"
	DataSent          = "data_sent"
	DataReceived      = "data_received"
	Checks            = "checks"
	GroupDuration     = "group_duration"

	HTTPReqs              = "http_reqs"
	HTTPReqFailed         = "http_req_failed"
	HTTPReqDuration       = "http_req_duration"
	HTTPReqBlocked        = "http_req_blocked"
	HTTPReqConnecting     = "http_req_connecting"
	HTTPReqTLSHandshaking = "http_req_tls_handshaking"
	HTTPReqSending        = "http_req_sending"
	HTTPReqWaiting        = "http_req_waiting"
	HTTPReqReceiving      = "http_req_receiving"

	WSSessions        = "ws_sessions"
	WSConnecting      = "ws_connecting"
	WSSessionDuration = "ws_session_duration"
	WSMessagesSent    = "ws_msgs_sent"
	WSMessagesRecv    = "ws_msgs_received"
	WSPing            = "ws_ping"

	// IterationErrors counts iterations that ended with an uncaught exception (nnjs only).
	IterationErrors = "iteration_errors"
	// IterationsInterrupted counts iterations cut short by a graceful stop or ramp-down (nnjs only).
	IterationsInterrupted = "iterations_interrupted"
)

type builtin struct {
	name     string
	typ      Type
	contains ValueType
}

var builtins = []builtin{
	{VUs, Gauge, Default},
	{VUsMax, Gauge, Default},
	{Iterations, Counter, Default},
	{IterationDuration, Trend, Time},
	{DroppedIterations, Counter, Default},
	{DataSent, Counter, Data},
	{DataReceived, Counter, Data},
	{Checks, Rate, Default},
	{GroupDuration, Trend, Time},
	{HTTPReqs, Counter, Default},
	{HTTPReqFailed, Rate, Default},
	{HTTPReqDuration, Trend, Time},
	{HTTPReqBlocked, Trend, Time},
	{HTTPReqConnecting, Trend, Time},
	{HTTPReqTLSHandshaking, Trend, Time},
	{HTTPReqSending, Trend, Time},
	{HTTPReqWaiting, Trend, Time},
	{HTTPReqReceiving, Trend, Time},
	{WSSessions, Counter, Default},
	{WSConnecting, Trend, Time},
	{WSSessionDuration, Trend, Time},
	{WSMessagesSent, Counter, Default},
	{WSMessagesRecv, Counter, Default},
	{WSPing, Trend, Time},
	{IterationErrors, Counter, Default},
	{IterationsInterrupted, Counter, Default},
}
