namespace NanoRouter.Core.Passthrough
{
    /// <summary>The tracker's link to <see cref="VpnDiagnostics"/>: each call counts its established-path GRE
    /// into one row (the spare row until the engine links it).</summary>
    public sealed partial class PptpTracker
    {
        private readonly byte[] _callRow;
        private int[] _rowOut = new int[1];
        private int[] _rowIn = new int[1];
        private byte _spareRow;

        /// <summary>Counts established-path GRE into <paramref name="rowOut"/> and <paramref name="rowIn"/> at
        /// each call's row; every call links to <paramref name="spareRow"/> until <see cref="LinkCalls"/>.</summary>
        public void UseDiagnostics(int[] rowOut, int[] rowIn, byte spareRow)
        {
            _rowOut = rowOut;
            _rowIn = rowIn;
            _spareRow = spareRow;
            for (int c = 0; c < _maxCalls; c++)
            {
                _callRow[c] = spareRow;
            }
        }

        /// <summary>The row call <paramref name="call"/> counts into (the native path's packets too).</summary>
        public byte CallRow(int call) => _callRow[call];

        /// <summary>Calls linked to <paramref name="row"/> count into <paramref name="spareRow"/> from now on.</summary>
        public void UnlinkRow(int row, byte spareRow)
        {
            for (int c = 0; c < _maxCalls; c++)
            {
                if (_callRow[c] == row)
                {
                    _callRow[c] = spareRow;
                }
            }
        }

        /// <summary>
        /// Links the established calls of (<paramref name="lanHost"/>, <paramref name="server"/>) to
        /// <paramref name="row"/> (a walk of the call table: on control segments only) and gives the
        /// most recent one's call IDs: the client's own and the external one the server was given.
        /// </summary>
        /// <returns>False when the pair has no established call.</returns>
        public bool LinkCalls(int lanHost, uint server, int row, out ushort originalCallId, out ushort externalCallId)
        {
            originalCallId = 0;
            externalCallId = 0;
            bool any = false;
            int newest = int.MinValue;
            for (int c = 0; c < _maxCalls; c++)
            {
                if (_callState[c] != CallEstablished)
                {
                    continue;
                }

                int conn = _callConn[c];
                if (_connLanHost[conn] != lanHost || _connServer[conn] != server)
                {
                    continue;
                }

                _callRow[c] = (byte)row;
                if (!any || _callLastSec[c] - newest >= 0)
                {
                    newest = _callLastSec[c];
                    originalCallId = _callOriginal[c];
                    externalCallId = _callExternal[c];
                }

                any = true;
            }

            return any;
        }
    }
}
