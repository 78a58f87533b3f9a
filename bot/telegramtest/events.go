package telegramtest

import "sync"

// EventKind says what happened in a chat.
type EventKind string

// The kinds of Event.
const (
	// EventSent is a new message from the bot.
	EventSent EventKind = "sent"
	// EventEdited is a bot message whose text or keyboard changed.
	EventEdited EventKind = "edited"
	// EventDeleted is a message the bot deleted.
	EventDeleted EventKind = "deleted"
	// EventCallbackAnswer is the bot's answer to a button press (a toast or an alert).
	EventCallbackAnswer EventKind = "callbackAnswer"
	// EventChatAction is "typing…" or another chat action.
	EventChatAction EventKind = "chatAction"
	// EventUserText is a message the person wrote (with SendText).
	EventUserText EventKind = "userText"
)

// Event is one thing that happened in a chat, for a live view such as the demo.
type Event struct {
	// Kind says what happened.
	Kind EventKind
	// ChatID is the chat it happened in.
	ChatID int64
	// Message is the message as it is now (for sent, edited, deleted and userText).
	Message Message
	// Answer is set for EventCallbackAnswer.
	Answer *CallbackAnswer
	// Action is set for EventChatAction, such as "typing".
	Action string
}

// Subscribe returns a feed of every Event from now on, in order, and a
// function that ends it. The feed never drops events and never slows the
// server: events wait in memory until read. It closes when the server does.
func (s *Server) Subscribe() (<-chan Event, func()) {
	return s.events.subscribe()
}

// broker fans events out to subscribers.
type broker struct {
	mu     sync.Mutex
	subs   map[int]*subscriber
	next   int
	closed bool
}

// subscriber queues events without bound and hands them to out in order.
type subscriber struct {
	mu     sync.Mutex
	queue  []Event
	signal chan struct{}
	out    chan Event
	stop   chan struct{}
	once   sync.Once
}

func (b *broker) subscribe() (<-chan Event, func()) {
	sub := &subscriber{signal: make(chan struct{}, 1), out: make(chan Event), stop: make(chan struct{})}
	b.mu.Lock()
	id := b.next
	b.next++
	if b.closed {
		sub.end()
	} else {
		b.subs[id] = sub
	}
	b.mu.Unlock()
	go sub.run()
	return sub.out, func() {
		b.mu.Lock()
		delete(b.subs, id)
		b.mu.Unlock()
		sub.end()
	}
}

// publish is called with the publisher's lock held, so events keep its order.
func (b *broker) publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, sub := range b.subs {
		sub.mu.Lock()
		sub.queue = append(sub.queue, e)
		sub.mu.Unlock()
		select {
		case sub.signal <- struct{}{}:
		default:
		}
	}
}

func (b *broker) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for id, sub := range b.subs {
		sub.end()
		delete(b.subs, id)
	}
}

func (sub *subscriber) end() { sub.once.Do(func() { close(sub.stop) }) }

func (sub *subscriber) run() {
	defer close(sub.out)
	for {
		sub.mu.Lock()
		batch := sub.queue
		sub.queue = nil
		sub.mu.Unlock()
		for _, e := range batch {
			select {
			case sub.out <- e:
			case <-sub.stop:
				return
			}
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-sub.signal:
		case <-sub.stop:
			return
		}
	}
}
