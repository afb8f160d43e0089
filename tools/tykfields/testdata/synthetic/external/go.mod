// Stand-ins for types of other modules (Tyk's storage, graphql and plugin dependencies):
// the generator leaves such types unread (null).
module example.com/external

go 1.22
