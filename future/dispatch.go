package future

// This file holds the listener machinery shared by every future type: the
// intrusive list of pending callbacks and the trampoline that runs them.
//
// Every callback registered on a pending future is a node. A node carries its
// own list link (nodeBase.next), so registering costs no allocation beyond
// the node itself, which the step that registers it allocates together with
// the future it produces. When a future settles, it detaches its list and
// hands it to drain. Running a node settles the node's own output future,
// which does not run that future's listeners but returns them; drain splices
// them in front of the remaining work (depth first, as Twisted's recursive
// runCallbacks would order them) and loops. So a chain of any length settles
// in constant stack depth.

// node is one registered listener. fire runs it once, after the future it is
// registered on has settled, and returns the listeners made ready by that
// (the listeners of the future the node settled), linked through their
// nodeBase, for drain to run next.
type node interface {
	fire() (head, tail node)
	link() *nodeBase
}

// nodeBase is the list link embedded in every node.
type nodeBase struct{ next node }

func (b *nodeBase) link() *nodeBase { return b }

// drain runs a list of ready nodes, and the nodes they make ready, until none
// is left. It never recurses: newly ready nodes are pushed on the front of
// the work list.
func drain(head node) {
	for head != nil {
		n := head
		b := n.link()
		head, b.next = b.next, nil
		if h, t := n.fire(); h != nil {
			t.link().next = head
			head = h
		}
	}
}

// reverse turns the LIFO registration list of a future into registration
// order and returns its first and last node.
func reverse(n node) (head, tail node) {
	tail = n
	for n != nil {
		b := n.link()
		next := b.next
		b.next = head
		head = n
		n = next
	}
	return head, tail
}

// readyList collects nodes that must run now, in the order they were added.
type readyList struct{ head, tail node }

func (l *readyList) push(n node) {
	if n == nil {
		return
	}
	if l.head == nil {
		l.head = n
	} else {
		l.tail.link().next = n
	}
	l.tail = n
}
